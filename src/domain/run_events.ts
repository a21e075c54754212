/**
 * Run records under `.kittify/runs/<run id>/`: `events.ndjson` (one {@link RunEvent} per line)
 * and `summary.json` (a {@link RunSummary}). The engine emits events; the recorder writes them;
 * `report`, notifications and `--json` read them.
 *
 * @module
 */
import type { AgentRole, FailureClass } from "./agent.ts";
import type { WpOutcomeKind } from "./run_state.ts";

/** Fields every event has. */
interface EventBase {
  /** ISO-8601 UTC. */
  at: string;
  run_id: string;
}

/** Everything the engine reports while it runs. */
export type RunEvent =
  | EventBase & {
    type: "run_started";
    mission: string;
    actor: string;
    resumed: boolean;
    max_concurrent: number;
    host: string;
  }
  | EventBase & { type: "wp_dispatched"; wp_id: string; pipeline: string; lane: string | null }
  | EventBase & {
    type: "attempt_started";
    wp_id: string;
    role: AgentRole;
    agent: string;
    attempt: number;
    log_path: string;
  }
  | EventBase & {
    type: "attempt_finished";
    wp_id: string;
    role: AgentRole;
    agent: string;
    attempt: number;
    result: "ok" | FailureClass;
    duration_ms: number;
    cost_usd: number | null;
    verdict: "approved" | "changes_requested" | null;
    message: string | null;
  }
  | EventBase & { type: "lane_changed"; wp_id: string; from: string; to: string }
  | EventBase & { type: "wp_finished"; wp_id: string; outcome: WpOutcomeKind; reason: string }
  | EventBase & { type: "warning"; message: string; wp_id?: string }
  /** An agent family's shared rate-limit breaker opened: no WP starts an attempt of it before `until`. */
  | EventBase & {
    type: "cooldown_started";
    family: string;
    agent: string;
    reason: FailureClass;
    /** ISO-8601 UTC. */
    until: string;
    /** The WP whose attempt was limited. */
    wp_id: string;
  }
  /** The first attempt after a cooldown (the probe, by `wp_id`) was not limited: the family is free again. */
  | EventBase & { type: "cooldown_ended"; family: string; agent: string; wp_id: string }
  | EventBase & { type: "run_finished"; exit_code: number; status: string; summary: RunSummary };

/** One WP's line in the summary. */
export interface WpSummary {
  wp_id: string;
  outcome: WpOutcomeKind | "unfinished";
  reason: string;
  lane: string | null;
  attempts: number;
  review_cycles: number;
  cost_usd: number;
  duration_ms: number;
  agents: string[];
  /** Time spent waiting out rate limits and overloads (ms); absent in summaries written before it. */
  wait_ms?: number;
  /** The WP's budget and its agent time (cost is `cost_usd`); absent without a per-WP limit. */
  budget?: { per_wp_usd: number | null; per_wp_minutes: number | null; agent_ms: number };
  /** Each reviewer's verdict of the last consensus review (null: none given); absent without consensus. */
  reviews?: { reviewer: string; verdict: "approved" | "changes_requested" | null }[];
}

/** The final summary of a run (`summary.json`, the `--json` final object). */
export interface RunSummary {
  run_id: string;
  mission: string;
  started_at: string;
  finished_at: string;
  status: "done" | "incomplete" | "failed" | "interrupted" | "aborted";
  exit_code: number;
  wps: WpSummary[];
  cost_usd: number;
  host_calls: Record<string, number>;
  /** The host's era (see `host/era.ts`); absent in summaries written before eras. */
  host_era?: string;
  /**
   * Transitions sent with `--force` because the host's era has no unforced path (never on
   * contract 1.3), each with the reason; absent in summaries written before eras.
   */
  forced_transitions?: { wp_id: string; from: string; to: string; reason: string }[];
  /**
   * What persisting the run state cost this process (files written, fsyncs, bytes), for the
   * benchmark and for diagnosis; absent in summaries written before the store counted.
   */
  state_writes?: { writes: number; fsyncs: number; bytes: number };
  /** What is left for a human (e.g. "merge: spec-kitty merge --mission X"). */
  next_steps: string[];
  /** The run's cost limit (`per_run_usd`; spent is `cost_usd`); absent when no budget is set. */
  budget?: { per_run_usd: number | null };
}
