/**
 * Two missions of one repository orchestrated at once: each run has its own lock and state
 * file, both end done, and `status --mission` / `resume --mission` pick the right run.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import { releaseFakes, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  forMission,
  MISSION,
  orchestrateArgs,
  readState,
  runCli,
  spawnCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const OTHER = "035-other-feature";

Deno.test("orchestrate of two missions of one repository at once: both end done, each with its own state", async () => {
  await withE2e(spreadMission(1, 1), { extraMissions: [spreadMission(1, 1, OTHER)] }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "wait_release");
    const agents = ["--impl-agent", "claude-code", "--review-agent", "codex"];
    const first = spawnCli(e, orchestrateArgs(MISSION, ...agents));
    const second = spawnCli(e, orchestrateArgs(OTHER, ...agents));
    try {
      // Both runs hold their locks at the same moment before any agent may finish.
      const until = Date.now() + 30_000;
      while (!(await isLockHeld(e.repo, MISSION) && await isLockHeld(e.repo, OTHER))) {
        assert(Date.now() < until, "the two runs never held their locks at once");
        await new Promise((r) => setTimeout(r, 50));
      }
      await releaseFakes(e.control);
      const [a, b] = await Promise.all([first.result, second.result]);
      assertEquals(a.code, 0, a.text);
      assertEquals(b.code, 0, b.text);
    } finally {
      first.kill();
      second.kill();
    }
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const other = forMission(e, OTHER);
    await checkInvariants(other, { lanes: { WP01: "done" } });
    assertEquals((await readState(e)).mission, MISSION);
    assertEquals((await readState(other)).mission, OTHER);
    const status = await runCli(e, ["status", "--mission", OTHER, "--json"]);
    assertEquals(status.code, 0, status.text);
    assertEquals(JSON.parse(status.stdout).mission, OTHER);
  });
});

Deno.test("orchestrate --continue after a kill -9 resumes the unfinished run of the mission (cron)", async () => {
  await withE2e(spreadMission(1, 1), { extraMissions: [spreadMission(1, 1, OTHER)] }, async (e) => {
    const agents = ["--impl-agent", "claude-code", "--review-agent", "codex"];
    const crashed = await runCli(e, orchestrateArgs(MISSION, ...agents), {
      env: { SKO_FAULT: "crash@after-for-review" },
    });
    assertEquals(crashed.signal, "SIGKILL", crashed.text);
    const killedRun = (await readState(e)).run_id;
    // The other mission's run is independent: it starts and finishes meanwhile.
    const other = await runCli(e, orchestrateArgs(OTHER, ...agents));
    assertEquals(other.code, 0, other.text);

    const resumed = await runCli(e, orchestrateArgs(MISSION, ...agents, "--continue"));
    assertEquals(resumed.code, 0, resumed.text);
    assertStringIncludes(resumed.text, killedRun as string);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals((await readState(e)).run_id, killedRun);
    assertEquals((await readState(e)).resume_count, 1);
    // Once finished, --continue starts a new run (cron's next night).
    const again = await runCli(e, orchestrateArgs(MISSION, ...agents, "--continue"));
    assertEquals(again.code, 0, again.text);
  });
});
