/** Two runs at once: the second exits 75 naming the holder, and the first is unaffected. */
import { assertEquals, assertMatch, assertStringIncludes } from "../support/assert.ts";
import { isLockHeld } from "../../src/store/lock.ts";
import { releaseFakes, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  MISSION,
  orchestrateArgs,
  runCli,
  spawnCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("orchestrate while another run of the mission is live exits 75 naming the holder", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "wait_release");
    const args = orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex");
    const first = spawnCli(e, args);
    try {
      await waitFor("the first run to take the lock", () => isLockHeld(e.repo, MISSION));
      const second = await runCli(e, args);
      assertEquals(second.code, 75, second.text);
      assertStringIncludes(second.text, `pid ${first.child.pid}`);
      assertMatch(second.text, /held by run \S+/);
      const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
      assertEquals(resumed.code, 75, resumed.text);
      await releaseFakes(e.control);
      const done = await first.result;
      assertEquals(done.code, 0, done.text);
    } finally {
      first.kill();
    }
    await checkInvariants(e, { lanes: { WP01: "done" } });
  });
});
