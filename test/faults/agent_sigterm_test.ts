/**
 * Fault #20 of docs/reliability.md §4.2: an agent that ignores SIGTERM, leaves a grandchild in its
 * group and a `setsid` escapee outside it. Slow by nature (two 10 s grace periods), so alone.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, hostLanes } from "../support/faults/invariants.ts";
import { alive } from "../support/faults/scenarios.ts";

const ONE_WP = [{ id: "WP01" }];

Deno.test("fault #20: an agent ignoring SIGTERM with a grandchild and a setsid escapee is killed, all of it", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { stallTimeout: "2s" } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "ignore_term:once");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "stall");
    const pidOf = async (name: string) => Number((await Deno.readTextFile(join(repo.control, name))).trim());
    const agent = await pidOf("pid.impl-a.implement.WP01.1");
    const grandchild = await pidOf("grandchild.WP01.1");
    assert(!alive(agent), "the agent is dead");
    assert(!alive(grandchild), "its grandchild (same group) is dead");
    const escapee = await pidOf("escapee.WP01.1");
    assert(!alive(escapee), "the setsid escapee that kept the agent's stdout is dead");
    await assertAfterFault(repo); // no process of this repo survives at all
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});
