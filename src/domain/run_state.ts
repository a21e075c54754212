/**
 * The run state file `.kittify/orchestrator-run-state.<mission>.json` (one per mission), schema version 1.
 *
 * Provider-local facts only (attempts, counters, feedback, running process groups); lanes are
 * never stored as truth here: the host owns them. Written atomically with a `.bak` by
 * `store/run_state.ts`, validated by `store/state_schema.ts`.
 *
 * @module
 */
import type { PolicyMetadata } from "./host.ts";
import type { AgentRole, FailureClass, TokenUsage } from "./agent.ts";

/** Current schema version; a file with a higher one is refused. */
export const STATE_SCHEMA_VERSION = 1;

/** Run lifecycle as recorded in the file. */
export type RunStatus = "running" | "finished" | "interrupted" | "aborted" | "failed";

/** How one WP ended in this run. */
export type WpOutcomeKind = "done" | "approved" | "blocked" | "failed" | "skipped";

/** A WP's explicit end: every WP gets one, with a reason. */
export interface WpOutcome {
  kind: WpOutcomeKind;
  reason: string;
  at: string;
}

/** Where a WP is in our lifecycle (the host lane is separate and authoritative). */
export type WpPhase =
  | "pending"
  | "implementing"
  | "awaiting_review"
  | "reviewing"
  | "rework"
  | "finished";

/** One agent attempt, as recorded. */
export interface AttemptRecord {
  /** 1-based attempt number within the WP (all roles), used in log names. */
  n: number;
  role: AgentRole;
  agent: string;
  started_at: string;
  duration_ms: number | null;
  /** `ok`, a failure class, or `interrupted` when the orchestrator died during it. */
  result: "ok" | "interrupted" | FailureClass;
  exit_code: number | null;
  signal: string | null;
  cost_usd: number | null;
  tokens: TokenUsage | null;
  log_path: string;
  message: string | null;
  /** Reviewer attempts: the parsed verdict. */
  verdict: "approved" | "changes_requested" | null;
}

/** Agent failure classes no retry fixes: a person must fix the agent's installation or configuration. */
export type ConfigFailureClass = "auth" | "model_not_found" | "config";

/** The {@link ConfigFailureClass} values. */
export const CONFIG_FAILURE_CLASSES: readonly ConfigFailureClass[] = ["auth", "model_not_found", "config"];

/** Transient agent failure classes: waited out, within `retry.rate_limit_budget`, never counted as attempts. */
export type TransientFailureClass = "rate_limit" | "overloaded";

/** The {@link TransientFailureClass} values. */
export const TRANSIENT_FAILURE_CLASSES: readonly TransientFailureClass[] = ["rate_limit", "overloaded"];

/**
 * Why this orchestrator stopped a WP, when what to do next depends on it: recorded as data where
 * the cause is known (a failure class, a commit gate kind, a host error code) so the next steps
 * and the next run never parse error prose.
 *
 * - `agent_config`: the last agent of a stage failed with a {@link ConfigFailureClass}; the WP
 *   was moved to blocked, and the next `orchestrate`/`resume` retries it (the user fixed the agent).
 * - `agent_transient`: every agent of a stage was still rate limited or overloaded when its
 *   `rate_limit_budget` ran out; the next run retries it with a fresh budget (an outage ends).
 * - `wrong_branch`: the worktree was not on the WP's branch when its work was committed.
 * - `lane_allocation`: the host could not allocate or reuse the lane worktree.
 * - `budget`: a hard budget stop (`budget:` in orchestration.yaml): a WP over `per_wp_usd` or
 *   `per_wp_minutes` was blocked before its next attempt, or a WP was left planned because the
 *   run reached `per_run_usd`. `value` and `spent` are USD, or ms of agent time for minutes.
 */
export type WpStopCause =
  | { kind: "agent_config"; role: AgentRole; agent: string; failure_class: ConfigFailureClass; message: string }
  | { kind: "agent_transient"; role: AgentRole; agent: string; failure_class: TransientFailureClass; message: string }
  | { kind: "wrong_branch"; workspace: string; branch: string | null; message: string }
  | { kind: "lane_allocation"; workspace: string | null; message: string }
  | {
    kind: "budget";
    limit: "per_wp_usd" | "per_wp_minutes" | "per_run_usd";
    value: number;
    spent: number;
    message: string;
  };

/** One reviewer's verdict in a consensus review (null: it gave none after its retries). */
export interface ReviewVote {
  reviewer: string;
  verdict: "approved" | "changes_requested" | null;
}

/** Provider-local state of one WP. */
export interface WpRunState {
  wp_id: string;
  pipeline: string;
  phase: WpPhase;
  outcome: WpOutcome | null;
  /** Index into the pipeline's implement chain of the agent currently in use. */
  implement_agent_index: number;
  /** Index into the review chain. */
  review_agent_index: number;
  /** Failed attempts of the current implementer / reviewer (reset on fallback). */
  implement_failures: number;
  review_failures: number;
  /**
   * Time this WP spent waiting out rate limits and overloads in each stage (ms): counted against
   * the stage's `rate_limit_budget`, shown in the summary, kept across resumes.
   */
  implement_wait_ms: number;
  review_wait_ms: number;
  attempts: AttemptRecord[];
  /** Rejections so far. */
  review_cycles: number;
  review_feedback: string | null;
  /** The review reference of a review we started (in_review recovery relies on this, not on last_actor). */
  review_ref: string | null;
  /** Lane tip before our first implementation attempt (the review diff base). */
  implementation_base: string | null;
  workspace_path: string | null;
  prompt_path: string | null;
  lane_id: string | null;
  lane_branch: string | null;
  last_error: string | null;
  /** Total cost across attempts, when agents report it. */
  cost_usd: number;
  /**
   * Why this orchestrator stopped the WP, when the next step depends on it; null otherwise and
   * once the WP is retried. Added within schema v1: a file without it reads as null, and an older
   * orchestrator keeps the key (unknown WP keys are written back).
   */
  stop_cause: WpStopCause | null;
  /**
   * The verdict of each reviewer of the last consensus review (`review.require`), for the
   * summary and the report. Added within schema v1: absent in older files and without consensus.
   */
  review_votes?: ReviewVote[];
}

/** The environment variable that tags agent processes with their run. */
export const RUN_ID_ENV = "SKO_RUN_ID";

/**
 * A process group a previous orchestrator recorded as running (the run state's `running`
 * entries have this shape), with the identity that proves it is still the same process.
 */
export interface RecordedGroup {
  wp_id: string;
  role: string;
  attempt: number;
  agent: string;
  pid: number;
  pgid: number;
  /** Field 22 of /proc/<pid>/stat when it was spawned; null where /proc was missing. */
  proc_start_time: string | null;
  boot_id: string | null;
}

/**
 * An agent process group that was running when the state was written: what the reaper needs to
 * prove it is still ours (`RecordedGroup`: pid, pgid, start time, boot id) and where it logged.
 */
export interface RunningAttempt extends RecordedGroup {
  role: AgentRole;
  started_at: string;
  log_path: string;
}

/**
 * An agent family's shared rate-limit cooldown while it runs (see `cooldown.ts`), for `status`.
 * Added within schema v1: absent in older files.
 */
export interface CooldownRecord {
  family: string;
  agent: string;
  reason: FailureClass;
  /** ISO-8601 UTC; after it one WP probes the provider, the others wait for it. */
  until: string;
}

/** CLI overrides that `resume` re-applies unless given again. */
export interface RunFlags {
  impl_agent: string | null;
  review_agent: string | null;
  max_concurrent: number | null;
  pipeline: string | null;
  host: string | null;
  config: string | null;
}

/** The whole file. */
export interface RunState {
  schema_version: number;
  written_by: string;
  /** Monotonic write counter. */
  seq: number;
  run_id: string;
  mission: string;
  actor: string;
  started_at: string;
  updated_at: string;
  status: RunStatus;
  /** Number of times this run was resumed. */
  resume_count: number;
  flags: RunFlags;
  policy: PolicyMetadata;
  wps: Record<string, WpRunState>;
  running: RunningAttempt[];
  /** Worktrees and branches this orchestrator created itself (what `abort --cleanup-worktrees` removes). */
  created: { worktrees: string[]; branches: string[] };
  /** Agent families cooling down from a rate limit or overload in the running process (absent: none). */
  cooldowns?: CooldownRecord[];
  /**
   * The host era the run last talked to (`1.3`, `1.2-mission`, `1.0-feature`, ... see
   * `host/era.ts`), set at every start and resume; absent in states written before eras.
   */
  host_era?: string | null;
  /** Keys we do not know (from a newer minor writer) are kept here and written back. */
  extra?: Record<string, unknown>;
}
