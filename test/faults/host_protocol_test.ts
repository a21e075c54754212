/**
 * Faults #1–#4 of docs/reliability.md §4.2: the host answers garbage, noise, a failure envelope or a
 * usage error.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

Deno.test("fault #1: malformed JSON from a read is retried, from a mutation is reconciled without a duplicate", async () => {
  await withFaultRepo({}, async (repo) => {
    // The second mission-state read (after the preflight) and the first transition (applied,
    // then garbage on stdout) are damaged.
    await repo.hostFault("list-ready", "malformed 1");
    await repo.hostFault("transition", "apply_malformed 1");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "failed in transport (protocol)", "re-reading mission state to reconcile");
    const calls = await repo.hostCalls();
    assertEquals(calls.filter(([sub]) => sub === "list-ready").length, 2, "list-ready retried once");
    await assertAfterFault(repo);
    const lanes = await hostLanes(repo);
    assertEquals([...lanes.values()], ["done", "done"]);
  });
});

Deno.test("fault #1: malformed JSON on every read stops the run naming the command and the answer", async () => {
  await withFaultRepo({}, async (repo) => {
    await repo.hostFault("mission-state", "malformed *");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 1, "mission-state", "no JSON object", 'stdout starts with "{\\"success\\":tru"');
    const calls = await repo.hostCalls();
    assertEquals(calls.filter(([sub]) => sub === "mission-state").length, 4, "1 + 3 retries");
    assert(!calls.some(([sub]) => sub === "start-implementation"), "nothing was mutated");
    await assertAfterFault(repo, { stateMayBeMissing: true });
    await repo.hostFault("mission-state", null);
    await assertResumable(repo, "orchestrate");
  });
});

Deno.test("fault #2: a banner line before the envelope is tolerated; the envelope is used once", async () => {
  await withFaultRepo({}, async (repo) => {
    for (const sub of ["contract-version", "mission-state", "start-implementation", "transition"]) {
      await repo.hostFault(sub, "noise *");
    }
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0);
    await assertAfterFault(repo);
    assertEquals([...(await hostLanes(repo)).values()], ["done", "done"]);
  });
});

Deno.test("fault #3: a failure envelope (TRANSITION_REJECTED) stops that WP with the code; resume finishes", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    await repo.hostFault("start-review", "fail * TRANSITION_REJECTED");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "TRANSITION_REJECTED", "WP01");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "for_review");
    await repo.hostFault("start-review", null);
    await assertResumable(repo);
  });
});

Deno.test("fault #4: USAGE_ERROR (exit 2) from the host stops the run with the command named", async () => {
  await withFaultRepo({}, async (repo) => {
    await repo.hostFault("start-implementation", "usage *");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 1, "USAGE_ERROR", "start-implementation");
    const starts = (await repo.hostCalls()).filter(([sub]) => sub === "start-implementation");
    assert(starts.length <= 2, `the run stopped at once (${starts.length} claims)`);
    await assertAfterFault(repo);
    await repo.hostFault("start-implementation", null);
    await assertResumable(repo);
  });
});
