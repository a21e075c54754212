/** `status` and `status --json` end to end: during a live run and after it. */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import { releaseFakes, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  MISSION,
  orchestrateArgs,
  readState,
  runCli,
  spawnCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

interface StatusJson {
  run_id: string;
  mission: string;
  status: string;
  live: { pid: number | null } | null;
  wps: { wp_id: string; lane: string | null; outcome: string | null; attempts: number }[];
}

Deno.test("status shows the live run while it works and the finished WPs with lanes afterwards", async () => {
  await withE2e(spreadMission(2, 2), {}, async (e) => {
    const empty = await runCli(e, ["status"]);
    assertEquals(empty.code, 0, empty.text);
    assertStringIncludes(empty.text, "No orchestration run state found");

    await setFakeMode(e.control, "claude", "impl", "wait_release");
    const run = spawnCli(
      e,
      orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex", "--max-concurrent", "2"),
    );
    try {
      const until = Date.now() + 20_000;
      while (!(await isLockHeld(e.repo, MISSION))) {
        assert(Date.now() < until, "the run never took its lock");
        await new Promise((r) => setTimeout(r, 50));
      }
      // The state file appears right after the lock; wait until status reads a run.
      let live: StatusJson | null = null;
      while (live === null || live.live === null) {
        assert(Date.now() < until, "status never showed the live run");
        const out = await runCli(e, ["status", "--json"]);
        assertEquals(out.code, 0, out.text);
        const doc = JSON.parse(out.stdout);
        live = doc.run_id === undefined ? null : doc as StatusJson;
        if (live === null || live.live === null) await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(live.live?.pid, run.child.pid);
      assertEquals(live.mission, MISSION);
      await releaseFakes(e.control);
      const finished = await run.result;
      assertEquals(finished.code, 0, finished.text);
    } finally {
      run.kill();
    }

    const json = await runCli(e, ["status", "--json"]);
    assertEquals(json.code, 0, json.text);
    const doc = JSON.parse(json.stdout) as StatusJson;
    assertEquals(doc.run_id, (await readState(e)).run_id);
    assertEquals(doc.live, null);
    assertEquals(doc.wps.map((w) => [w.wp_id, w.lane, w.outcome, w.attempts]), [
      ["WP01", "done", "done", 2],
      ["WP02", "done", "done", 2],
    ]);
    const human = await runCli(e, ["status"]);
    assertEquals(human.code, 0, human.text);
    assertStringIncludes(human.stdout, doc.run_id);
    assertStringIncludes(human.stdout, "WP01");
    assertStringIncludes(human.stdout, "WP02");
    assertStringIncludes(human.stdout, "done");
  });
});
