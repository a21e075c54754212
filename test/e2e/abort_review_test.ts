/** `abort` while the reviewer runs: the reviewer is stopped, and `resume` reviews again and finishes. */
import { assert, assertEquals } from "../support/assert.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  finalLanes,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  readCalls,
  readHostEvents,
  readState,
  runCli,
  spawnCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("abort while the reviewer runs stops it (exit 143); resume reviews again and ends done", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "slow_once:30");
    const run = spawnCli(e, orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex"));
    try {
      const until = Date.now() + 30_000;
      while (!(await readCalls(e.control)).some((c) => c.role === "review")) {
        assert(Date.now() < until, "the reviewer never started");
        await new Promise((r) => setTimeout(r, 50));
      }
      const abort = await runCli(e, ["abort"]);
      assertEquals(abort.code, 0, abort.text);
      const stopped = await run.result;
      assertEquals(stopped.code, 143, stopped.text);
    } finally {
      run.kill();
    }
    assertEquals(await liveAgentGroups(e), [], "the reviewer survived the abort");
    assertEquals(await isLockHeld(e.repo, MISSION), false);
    assertEquals(finalLanes(await readHostEvents(e)).WP01, "in_review");
    const reviews = (await readState(e)).wps.WP01!.attempts.filter((a) => a.role === "review");
    assertEquals(reviews.map((a) => a.result), ["interrupted"]);

    const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(resumed.code, 0, resumed.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals((await readCalls(e.control)).filter((c) => c.role === "review").length, 2);
  });
});
