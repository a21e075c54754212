/**
 * Recovery after a kill -9 without `resume`: `abort` reaps the dead run's agents and records
 * the abort (then `resume` still finishes); the guide's plain `orchestrate` continues the run
 * (orphan reaped, WP adopted, counters kept); `--fresh` archives it, reaps its agents, saves what
 * they left uncommitted on a rescue branch and finishes; contradictory flags are usage errors.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  type E2e,
  groupAlive,
  laneEvents,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  readCalls,
  readHostEvents,
  readSpans,
  readState,
  runCli,
  spreadMission,
  stateFiles,
  withE2e,
} from "../support/e2e/harness.ts";

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
  // Wait until the orphan runs and has logged its start: under load the fake CLI can still be
  // starting when the next command reaps it, and a reaped-before-logging orphan leaves no span.
  let orphans: number[] = [];
  let started = false;
  for (let i = 0; i < 200 && (orphans.length === 0 || !started); i++) {
    orphans = await liveAgentGroups(e);
    started = (await readSpans(e.control)).some((s) => s.wp === "WP01" && s.role === "impl" && s.end === null);
    if (orphans.length === 0 || !started) await new Promise((r) => setTimeout(r, 50));
  }
  assert(orphans.length > 0, "the killed run's implementer should still be running");
  assert(started, "the killed run's implementer never logged its start");
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

Deno.test("the guide's plain orchestrate after a kill -9 continues the run: orphan reaped, WP adopted, counters kept", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const orphans = await killWhileImplementing(e);
    const killed = await readState(e);
    // The guide's command, as a cron line would run it: no resume, no --continue, no --fresh.
    const guide = orchestrateArgs(
      MISSION,
      "--impl-agent",
      "claude-code",
      "--review-agent",
      "codex",
      "--max-concurrent",
      "1",
    );
    const again = await runCli(e, guide);
    assertEquals(again.code, 0, again.text);
    assertStringIncludes(again.text, `Continuing the unfinished run ${killed.run_id} of mission '${MISSION}'`);
    assertStringIncludes(again.text, "leftover agent: WP01 implement attempt 1 (claude-code");
    await checkInvariants(e, { lanes: { WP01: "done" } });
    for (const pgid of orphans) assertEquals(groupAlive(pgid), false, `orphan group ${pgid} still alive`);
    const state = await readState(e);
    assertEquals(state.run_id, killed.run_id, "the same run continued");
    assertEquals(state.resume_count, 1);
    assertEquals((state.flags as { max_concurrent: number }).max_concurrent, 1, "the new command's flags apply");
    // Adopted, not claimed anew: one claim in the host log, and never two agents on WP01 at once.
    const claims = laneEvents(await readHostEvents(e)).filter((ev) => ev.wp_id === "WP01" && ev.to_lane === "claimed");
    assertEquals(claims.length, 1, "the WP was claimed again");
    const spans = (await readSpans(e.control)).filter((s) => s.wp === "WP01" && s.role === "impl")
      .sort((a, b) => a.start - b.start);
    assertEquals(spans.length, 2, "the orphan and one new implementer");
    const [orphan, next] = [spans[0]!, spans[1]!];
    assert(orphan.end === null || orphan.end <= next.start, "a second implementer ran while the orphan was alive");
    assert(!groupAlive(orphan.pid), "the orphan was not reaped");
  });
});

Deno.test("orchestrate --fresh after a kill -9 archives the run, reaps its agents and finishes", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await killWhileImplementing(e);
    const killedRun = (await readState(e)).run_id as string;
    const fresh = await runCli(e, [...ARGS, "--fresh"]);
    assertEquals(fresh.code, 0, fresh.text);
    assertStringIncludes(fresh.text, `leftover agent from run ${killedRun}`);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const state = await readState(e);
    assert(state.run_id !== killedRun, "--fresh kept the old run id");
    assert((await stateFiles(e)).some((f) => f.includes(`fresh-${killedRun}`)), "the old state was not archived");
  });
});

Deno.test("contradictory flags are usage errors (exit 2) and touch nothing", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const both = await runCli(e, [...ARGS, "--fresh", "--continue"]);
    assertEquals(both.code, 2, both.text);
    assertStringIncludes(both.text, "'--fresh' (archive the unfinished run and start over) and '--continue'");
    const feature = await runCli(e, [...ARGS, "--feature", "035-other"]);
    assertEquals(feature.code, 2, feature.text);
    assertStringIncludes(feature.text, `--mission is '${MISSION}', --feature is '035-other'`);
    assertEquals(await stateFiles(e), []);
  });
});

Deno.test("orchestrate --fresh after a kill -9 that left the worktree dirty saves the leftovers on a rescue branch and finishes", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await killWhileImplementing(e);
    const killedRun = (await readState(e)).run_id as string;
    // The killed agent's half-done work: the host refuses to re-allocate a dirty worktree.
    const ws = `${e.repo}/.worktrees/${MISSION}-lane-a`;
    await Deno.mkdir(`${ws}/e2e`, { recursive: true });
    await Deno.writeTextFile(`${ws}/e2e/half-done.txt`, "half\n");
    const fresh = await runCli(e, [...ARGS, "--fresh"]);
    assertEquals(fresh.code, 0, fresh.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const branch = `orchestrator-rescue/${killedRun}/WP01`;
    assertStringIncludes(
      fresh.text,
      `saved the uncommitted changes run ${killedRun} left in ${ws} on branch ${branch}`,
    );
    // Nothing was lost: the rescue branch holds the half-done file.
    const show = await new Deno.Command("git", {
      args: ["show", `${branch}:e2e/half-done.txt`],
      cwd: e.repo,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(show.stdout), "half\n", new TextDecoder().decode(show.stderr));
  });
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
