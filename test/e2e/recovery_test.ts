/**
 * Recovery after a kill -9 without `resume`: `abort` reaps the dead run's agents and records
 * the abort (then `resume` still finishes); a new `orchestrate` is refused while the run is
 * unfinished, and `--fresh` archives it, reaps its agents and finishes.
 */
import { assert, assertEquals, assertStringIncludes } from "../assert.ts";
import { setFakeMode } from "./fake_cli.ts";
import {
  checkInvariants,
  type E2e,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  readCalls,
  readState,
  runCli,
  spreadMission,
  stateFiles,
  withE2e,
} from "./harness.ts";

const ARGS = orchestrateArgs(
  MISSION,
  "--impl-agent",
  "claude-code",
  "--review-agent",
  "codex",
  "--max-concurrent",
  "2",
);

/**
 * Kills the orchestrator while WP01's implementer runs (it keeps running); returns that agent's
 * group. One WP only: with two, the second agent may be spawned but not yet recorded when the
 * kill lands, and such an agent cannot be reaped (see the report of the e2e suite).
 */
async function killWhileImplementing(e: E2e): Promise<number[]> {
  await setFakeMode(e.control, "claude", "impl", "slow_once:30");
  const crashed = await runCli(e, ARGS, { env: { SKO_FAULT: "crash@implement-running" } });
  assertEquals(crashed.signal, "SIGKILL", crashed.text);
  let orphans: number[] = [];
  for (let i = 0; i < 100 && orphans.length === 0; i++) {
    orphans = await liveAgentGroups(e);
    if (orphans.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  assert(orphans.length > 0, "the killed run's implementer should still be running");
  return orphans;
}

Deno.test("abort after a kill -9 reaps the dead run's agents and records the abort; resume then finishes", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await killWhileImplementing(e);
    const abort = await runCli(e, ["abort"]);
    assertEquals(abort.code, 0, abort.text);
    assertStringIncludes(abort.text, "reaped: WP01 implement");
    assertEquals(await liveAgentGroups(e), []);
    assertEquals((await readState(e)).status, "aborted");

    const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(resumed.code, 0, resumed.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
  });
});

Deno.test("orchestrate after a kill -9 is refused without --fresh; --fresh archives, reaps and finishes", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await killWhileImplementing(e);
    const killedRun = (await readState(e)).run_id as string;
    const refused = await runCli(e, ARGS);
    assertEquals(refused.code, 2, refused.text);
    assertStringIncludes(refused.text, "unfinished");
    assertStringIncludes(refused.text, "resume");

    const fresh = await runCli(e, [...ARGS, "--fresh"]);
    assertEquals(fresh.code, 0, fresh.text);
    assertStringIncludes(fresh.text, `leftover agent from run ${killedRun}`);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const state = await readState(e);
    assert(state.run_id !== killedRun, "--fresh kept the old run id");
    assert((await stateFiles(e)).some((f) => f.includes(`fresh-${killedRun}`)), "the old state was not archived");
  });
});

Deno.test({
  name: "orchestrate --fresh after a kill -9 that left the worktree dirty finishes the WP " +
    "(ignored: known bug, the fresh run re-claims its own in_progress WP and the host refuses the dirty worktree)",
  ignore: true,
  fn: async () => {
    await withE2e(spreadMission(1, 1), {}, async (e) => {
      await killWhileImplementing(e);
      // The killed agent's half-done work (resume sweeps it into the WP's commit).
      await Deno.mkdir(`${e.repo}/.worktrees/${MISSION}-lane-a/e2e`, { recursive: true });
      await Deno.writeTextFile(`${e.repo}/.worktrees/${MISSION}-lane-a/e2e/half-done.txt`, "half\n");
      const fresh = await runCli(e, [...ARGS, "--fresh"]);
      assertEquals(fresh.code, 0, fresh.text);
      await checkInvariants(e, { lanes: { WP01: "done" } });
    });
  },
});

Deno.test({
  name: "resume after a kill -9 between the commit and for_review submits the commit without a new agent run",
  fn: async () => {
    await withE2e(spreadMission(1, 1), {}, async (e) => {
      const crashed = await runCli(e, ARGS, { env: { SKO_FAULT: "crash@after-commit" } });
      assertEquals(crashed.signal, "SIGKILL", crashed.text);
      const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
      assertEquals(resumed.code, 0, resumed.text);
      await checkInvariants(e, { lanes: { WP01: "done" } });
      assertEquals((await readCalls(e.control)).filter((c) => c.role === "impl").length, 1);
    });
  },
});
