/**
 * Test fixture: a realistic run state (one WP with an attempt, one running agent).
 *
 * @module
 */
import { emptyRunFlags, newRunState } from "../../src/core/new_run_state.ts";
import type { RunState } from "../../src/domain/run_state.ts";
import { TEST_POLICY } from "./harness.ts";

/** A state with one WP, one attempt and one running entry. */
export function sampleState(): RunState {
  const state = newRunState({
    runId: "20261121T103000Z-4f2a",
    mission: "034-my-feature",
    actor: "spec-kitty-orchestrator",
    policy: TEST_POLICY,
    flags: emptyRunFlags(),
    now: new Date("2026-11-21T10:30:00Z"),
  });
  state.wps.WP01 = {
    wp_id: "WP01",
    pipeline: "default",
    phase: "implementing",
    outcome: null,
    implement_agent_index: 0,
    review_agent_index: 0,
    implement_failures: 1,
    review_failures: 0,
    implement_wait_ms: 0,
    review_wait_ms: 0,
    attempts: [{
      n: 1,
      role: "implement",
      agent: "claude-code",
      started_at: "2026-11-21T10:31:00Z",
      duration_ms: 1200,
      result: "timeout",
      exit_code: null,
      signal: "SIGKILL",
      cost_usd: 0.12,
      tokens: { input: 10, output: 20 },
      log_path: "/repo/.kittify/runs/x/WP01-1.log",
      message: "timed out",
      verdict: null,
    }],
    review_cycles: 0,
    review_feedback: null,
    review_ref: null,
    implementation_base: "abc123",
    workspace_path: "/repo/.worktrees/034-my-feature-WP01",
    prompt_path: null,
    lane_id: null,
    lane_branch: null,
    last_error: "timed out after 30m",
    cost_usd: 0.12,
    stop_cause: null,
  };
  state.running.push({
    wp_id: "WP01",
    role: "implement",
    attempt: 2,
    agent: "claude-code",
    pid: 4242,
    pgid: 4242,
    proc_start_time: "123456",
    boot_id: "boot",
    started_at: "2026-11-21T10:40:00Z",
    log_path: "/repo/.kittify/runs/x/WP01-2.log",
  });
  return state;
}
