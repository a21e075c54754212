/**
 * Faults #5–#7 of docs/reliability.md §4.2: the host hangs, speaks another contract, or applies a
 * mutation and then dies (or the orchestrator dies before it records the outcome).
 */
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

Deno.test("fault #5: a hanging host call is killed at host.timeout; mutations are reconciled, not duplicated", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }], yaml: { hostTimeout: "3s" } }, async (repo) => {
    await repo.hostFault("transition", "hang 1"); // not applied: reconciled, then tried once more
    await repo.hostFault("start-review", "apply_hang 1"); // applied: reconciled as is
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "failed in transport (timeout)");
    const calls = await repo.hostCalls();
    assertEquals(calls.filter(([sub]) => sub === "start-review").length, 1, "an applied start-review is not repeated");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #6: a host speaking contract 2.0.0 or 0.9.0 is refused before any mutation, naming both versions", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    await repo.hostFault("contract-version", "contract * 2.0.0");
    const newer = await repo.cli(orchestrateArgs(repo));
    assertMessage(newer, 1, "contract 2.0.0", "1.x");
    // 1.0.0 to 1.2.x are older eras we drive (docs/hosts.md); below 1.0.0 nothing is supported.
    await repo.hostFault("contract-version", "contract * 0.9.0");
    const older = await repo.cli(orchestrateArgs(repo));
    assertMessage(older, 1, "0.9.0", "1.0.0");
    await repo.hostFault("contract-version", "fail * CONTRACT_VERSION_MISMATCH");
    const refused = await repo.cli(orchestrateArgs(repo));
    assertMessage(refused, 1, "CONTRACT_VERSION_MISMATCH");
    // Reads may be sent alongside contract-version; nothing may be mutated.
    const reads = new Set(["contract-version", "mission-state", "list-ready"]);
    const others = (await repo.hostCalls()).filter(([sub]) => !reads.has(sub ?? ""));
    assertEquals(others, [], "only read-only host calls were made");
    await assertAfterFault(repo, { stateMayBeMissing: true });
    await repo.hostFault("contract-version", null);
    await assertResumable(repo, "orchestrate");
  });
});

Deno.test("fault #7: a mutation applied by a host that then crashes is reconciled; no duplicate transition", async () => {
  await withFaultRepo({}, async (repo) => {
    await repo.hostFault("start-implementation", "apply_crash 1");
    await repo.hostFault("transition", "apply_crash 2");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "failed in transport (crash)");
    await assertAfterFault(repo); // includes: no duplicate transition in the host log
    assertEquals([...(await hostLanes(repo)).values()], ["done", "done"]);
  });
});

Deno.test("fault #7: orchestrator killed after the host applied a claim: resume adopts the WP without re-claiming", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    await repo.hostFault("start-implementation", "apply_kill_caller 1");
    const killed = await repo.cli(orchestrateArgs(repo));
    assertEquals(killed.code, 137, killed.out);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "in_progress");
    await repo.hostFault("start-implementation", null);
    await assertResumable(repo);
    const claims = (await repo.hostCalls()).filter(([sub]) => sub === "start-implementation");
    assert(claims.length <= 2, `at most one more (no-op) claim: ${claims.length}`);
  });
});
