/**
 * A realistic recorded run for report, recorder and notification tests: three WPs, rework,
 * a fallback after a timeout, a blocked WP, and text that contains HTML.
 *
 * @module
 */
import type { RunEvent, RunSummary } from "../../src/domain/run_events.ts";

/** The run id of {@link sampleEvents}. */
export const SAMPLE_RUN_ID = "20261121T100000Z-ab12";

const T0 = Date.parse("2026-11-21T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const base = (minutes: number) => ({ at: at(minutes), run_id: SAMPLE_RUN_ID });

interface AttemptSpec {
  wp: string;
  role: "implement" | "review";
  agent: string;
  n: number;
  start: number;
  end: number;
  result: "ok" | "timeout" | "auth";
  cost: number | null;
  verdict?: "approved" | "changes_requested";
  message?: string;
}

function attempt(a: AttemptSpec): RunEvent[] {
  return [
    {
      ...base(a.start),
      type: "attempt_started",
      wp_id: a.wp,
      role: a.role,
      agent: a.agent,
      attempt: a.n,
      log_path: `.kittify/logs/${SAMPLE_RUN_ID}/${a.wp}-${a.n}.log`,
    },
    {
      ...base(a.end),
      type: "attempt_finished",
      wp_id: a.wp,
      role: a.role,
      agent: a.agent,
      attempt: a.n,
      result: a.result,
      duration_ms: (a.end - a.start) * 60_000,
      cost_usd: a.cost,
      verdict: a.verdict ?? null,
      message: a.message ?? null,
    },
  ];
}

/** The attempts in {@link sampleEvents}: 8 bars on the timeline. */
export const SAMPLE_ATTEMPTS = 8;

/** The summary the engine would write for {@link sampleEvents}. */
export const sampleSummary: RunSummary = {
  run_id: SAMPLE_RUN_ID,
  mission: "001-demo",
  started_at: at(0),
  finished_at: at(60),
  status: "incomplete",
  exit_code: 3,
  wps: [
    {
      wp_id: "WP01",
      outcome: "done",
      reason: "review approved",
      lane: "done",
      attempts: 4,
      review_cycles: 1,
      cost_usd: 1.5,
      duration_ms: 50 * 60_000,
      agents: ["claude", "codex"],
    },
    {
      wp_id: "WP02",
      outcome: "done",
      reason: "review approved",
      lane: "done",
      attempts: 3,
      review_cycles: 0,
      cost_usd: 0.75,
      duration_ms: 45 * 60_000,
      agents: ["claude", "opencode", "codex"],
    },
    {
      wp_id: "WP03",
      outcome: "blocked",
      reason: "agent <b>auth</b> failed & no fallback",
      lane: "blocked",
      attempts: 1,
      review_cycles: 0,
      cost_usd: 0,
      duration_ms: 2 * 60_000,
      agents: ["claude"],
    },
  ],
  cost_usd: 2.25,
  host_calls: { "start-implementation": 3, transition: 6 },
  next_steps: ["unblock WP03: fix the agent login, then spec-kitty-orchestrator resume"],
};

/** The events of a finished run (in emission order). */
export const sampleEvents: RunEvent[] = [
  {
    ...base(0),
    type: "run_started",
    mission: "001-demo",
    actor: "spec-kitty-orchestrator",
    resumed: false,
    max_concurrent: 2,
    host: "builtin",
  },
  { ...base(0), type: "wp_dispatched", wp_id: "WP01", pipeline: "default", lane: "lane-a" },
  { ...base(0), type: "wp_dispatched", wp_id: "WP03", pipeline: "default", lane: null },
  ...attempt({ wp: "WP01", role: "implement", agent: "claude", n: 1, start: 0, end: 20, result: "ok", cost: 0.8 }),
  ...attempt({
    wp: "WP03",
    role: "implement",
    agent: "claude",
    n: 1,
    start: 0,
    end: 2,
    result: "auth",
    cost: null,
    message: "<script>alert('x')</script> not logged in",
  }),
  {
    ...base(2),
    type: "wp_finished",
    wp_id: "WP03",
    outcome: "blocked",
    reason: "agent <b>auth</b> failed & no fallback",
  },
  { ...base(2), type: "wp_dispatched", wp_id: "WP02", pipeline: "default", lane: "lane-b" },
  ...attempt({
    wp: "WP02",
    role: "implement",
    agent: "claude",
    n: 1,
    start: 2,
    end: 17,
    result: "timeout",
    cost: 0.25,
  }),
  ...attempt({
    wp: "WP01",
    role: "review",
    agent: "codex",
    n: 2,
    start: 20,
    end: 28,
    result: "ok",
    cost: 0.2,
    verdict: "changes_requested",
    message: "add tests",
  }),
  ...attempt({ wp: "WP01", role: "implement", agent: "claude", n: 3, start: 28, end: 42, result: "ok", cost: 0.4 }),
  ...attempt({ wp: "WP02", role: "implement", agent: "opencode", n: 2, start: 17, end: 37, result: "ok", cost: 0.3 }),
  ...attempt({
    wp: "WP02",
    role: "review",
    agent: "codex",
    n: 3,
    start: 37,
    end: 47,
    result: "ok",
    cost: 0.2,
    verdict: "approved",
  }),
  { ...base(47), type: "wp_finished", wp_id: "WP02", outcome: "done", reason: "review approved" },
  ...attempt({
    wp: "WP01",
    role: "review",
    agent: "codex",
    n: 4,
    start: 42,
    end: 50,
    result: "ok",
    cost: 0.1,
    verdict: "approved",
  }),
  { ...base(50), type: "wp_finished", wp_id: "WP01", outcome: "done", reason: "review approved" },
  { ...base(60), type: "run_finished", exit_code: 3, status: "incomplete", summary: sampleSummary },
];
