/**
 * The kill -9 scenario shared by the crash tests: orchestrate with `SKO_FAULT=crash@<phase>`
 * (the orchestrator SIGKILLs itself there, see src/app/fault_injection.ts), then `resume`
 * without the fault must finish: every WP done once, no agent left running, lock free.
 *
 * @module
 */
import { assert, assertEquals } from "../assert.ts";
import type { FaultLabel } from "../../../src/engine/ports.ts";
import { readCalls, setFakeMode } from "./fake_cli.ts";
import {
  checkInvariants,
  finalLanes,
  liveAgentGroups,
  MISSION,
  orchestrateArgs,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "./harness.ts";

/** The host lane of the WP when the orchestrator is killed at each phase. */
const LANE_AT_KILL: Record<FaultLabel, string> = {
  "after-start-implementation": "in_progress",
  "implement-running": "in_progress",
  "after-commit": "in_progress",
  "after-for-review": "for_review",
  "after-start-review": "in_review",
  "review-running": "in_review",
  "before-done": "in_review",
  "after-done": "done",
};

/** Runs the crash-then-resume scenario for `phase`. */
export async function crashThenResume(phase: FaultLabel): Promise<void> {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    // An agent still running at the kill must be reaped by resume: keep it busy for a while.
    if (phase === "implement-running") await setFakeMode(e.control, "claude", "impl", "slow_once:30");
    if (phase === "review-running") await setFakeMode(e.control, "codex", "review", "slow_once:30");
    const args = orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex");
    const crashed = await runCli(e, args, { env: { SKO_FAULT: `crash@${phase}` } });
    assertEquals(crashed.signal, "SIGKILL", `expected a SIGKILL at ${phase}: ${crashed.text}`);
    assertEquals(finalLanes(await readHostEvents(e)).WP01, LANE_AT_KILL[phase], "host lane at the kill");
    if (phase === "implement-running" || phase === "review-running") {
      // The agent was spawned just before the kill: give it a moment to record its pid.
      let orphans: number[] = [];
      for (let i = 0; i < 100 && orphans.length === 0; i++) {
        orphans = await liveAgentGroups(e);
        if (orphans.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assertEquals(orphans.length, 1, "the killed run's agent should still be running");
    }
    const before = await readState(e);
    assert(before.status !== "finished" || phase === "after-done", `state after the kill: ${before.status}`);

    const resumed = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(resumed.code, 0, resumed.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const after = await readState(e);
    assertEquals(after.run_id, before.run_id);
    assertEquals(after.resume_count, 1);
    assertEquals(after.wps.WP01?.outcome?.kind, "done");
    // Work recorded before the kill is not paid for twice: a commit already made is submitted, an approval
    // already given is used.
    const calls = await readCalls(e.control);
    if (phase === "after-commit") assertEquals(calls.filter((c) => c.role === "impl").length, 1, "implementer runs");
    if (phase === "before-done") assertEquals(calls.filter((c) => c.role === "review").length, 1, "reviewer runs");
  });
}
