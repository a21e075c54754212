/**
 * Faults #17, #21, #23, #24 of docs/reliability.md §4.2: the agent crashes, waits on stdin, prints
 * garbage, or exits 0 without doing anything.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, hostLanes } from "../support/faults/invariants.ts";

const ONE_WP = [{ id: "WP01" }];

function implCalls(calls: string[][], agent: string): string[][] {
  return calls.filter(([a, role]) => a === agent && role === "implement");
}

Deno.test("fault #17: a crashing agent is retried up to max_attempts, then the fallback agent finishes", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { implement: ["impl-a", "impl-b"] } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "crash");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "crash");
    const calls = await repo.agentCalls();
    assertEquals(implCalls(calls, "impl-a").length, 2, "impl-a tried max_attempts times");
    assertEquals(implCalls(calls, "impl-b").length, 1, "then the fallback");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
    // The crashed attempt's log is kept.
    const logs = [];
    for await (const run of Deno.readDir(join(repo.root, ".kittify", "logs"))) {
      for await (const f of Deno.readDir(join(repo.root, ".kittify", "logs", run.name))) logs.push(f.name);
    }
    assert(logs.some((n) => n.includes("impl-a") && n.endsWith(".log")), `impl-a logs kept: ${logs}`);
  });
});

Deno.test("fault #21: an agent reading stdin gets EOF at once (no stall, no hang)", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { stallTimeout: "20s", timeout: "30s" } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "stdin");
    await repo.agentMode("review-a", "review", null);
    const started = Date.now();
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0);
    assert(!result.out.includes("stall"), "no stall timeout was needed");
    assertEquals(implCalls(await repo.agentCalls(), "impl-a").length, 1);
    assert(Date.now() - started < 20_000, "finished before any stall timeout could fire");
    await assertAfterFault(repo);
  });
});

Deno.test("fault #23: garbage from a JSON-output agent is bad_output; retried, then the fallback works", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { implement: ["json-a", "impl-a"] } }, async (repo) => {
    await repo.agentMode("json-a", "implement", "garbage");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "bad_output");
    const calls = await repo.agentCalls();
    assertEquals(implCalls(calls, "json-a").length, 2, "bad output retried once");
    assertEquals(implCalls(calls, "impl-a").length, 1);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #24: an agent exiting 0 without work is no_output; the WP never reaches for_review", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "noop");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "no_output", "WP01", "blocked");
    const events = await Deno.readTextFile(join(repo.root, "kitty-specs", repo.mission, "status.events.jsonl"));
    assert(!events.includes('"to_lane": "for_review"'), "never moved to for_review");
    assert(!events.includes("implementation_evidence"), "no implementation evidence claimed");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "blocked");
  });
});
