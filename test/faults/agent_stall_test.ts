/**
 * Fault #19 of docs/reliability.md §4.2: an agent hangs silently (no output, no workspace change).
 * Alone because the stall detection takes seconds by design.
 */
import { assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, hostLanes } from "../support/faults/invariants.ts";

const ONE_WP = [{ id: "WP01" }];

Deno.test("fault #19: a silent hanging agent is stopped by the stall timeout and retried", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { stallTimeout: "2s" } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "hang:once");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "stall");
    assertEquals((await repo.agentCalls()).filter(([a, role]) => a === "impl-a" && role === "implement").length, 2);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});
