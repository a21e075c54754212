/**
 * The boundary between the engine and the agent runners.
 *
 * The engine decides *what* to run; an {@link AgentRunner} runs one attempt of one agent in
 * one workspace, supervises it (process group, wall-clock and stall timeouts, streamed log)
 * and returns a typed {@link AttemptResult}. It never throws for agent failures: those are
 * results with a {@link FailureClass}.
 *
 * @module
 */

/** The role an agent plays in an attempt. */
export type AgentRole = "implement" | "review";

/**
 * Why an attempt failed. Decided from exit codes, signals and each CLI's structured output,
 * never from substring guesses over prose.
 */
export type FailureClass =
  /** Our wall-clock timer fired. */
  | "timeout"
  /** No output and no worktree change for the stall window. */
  | "stall"
  /** The CLI is not logged in / key invalid. Not retryable with the same agent. */
  | "auth"
  /** 429 / usage limit; may carry `retryAfterMs`. */
  | "rate_limit"
  /** 529 / 503 "overloaded": the provider is busy for everyone; may carry `retryAfterMs`. */
  | "overloaded"
  /** The configured model does not exist or is not available. */
  | "model_not_found"
  /** Bad invocation / CLI configuration (unknown flag, untrusted workspace, ...). */
  | "config"
  /** Exit 0 but nothing was produced (no change for implementers, no verdict for reviewers). */
  | "no_output"
  /** Killed by a signal, spawn failure, binary missing, or a non-zero exit with no better class. */
  | "crash"
  /** Output that should have been JSON could not be parsed. */
  | "bad_output";

/** All failure classes, for schemas and validation. */
export const FAILURE_CLASSES: readonly FailureClass[] = [
  "timeout",
  "stall",
  "auth",
  "rate_limit",
  "overloaded",
  "model_not_found",
  "config",
  "no_output",
  "crash",
  "bad_output",
] as const;

/** A typed attempt failure. */
export interface AttemptFailure {
  class: FailureClass;
  /** The agent's own message when it gave one (e.g. OpenCode's "Model not found"), else ours. */
  message: string;
  /** When the CLI said when to retry (rate limits). */
  retryAfterMs?: number;
}

/** Token usage when the CLI reports it. */
export interface TokenUsage {
  input: number;
  output: number;
}

/** What one attempt produced. */
export interface AttemptResult {
  agentId: string;
  role: AgentRole;
  /** True when the process ended cleanly and the CLI reported success. */
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  failure: AttemptFailure | null;
  /** The agent's final message (reviewers: where the verdict is). */
  finalMessage: string;
  costUsd: number | null;
  tokens: TokenUsage | null;
  /** Absolute path of the attempt log. */
  logPath: string;
  /** The last few KiB of output, for error messages. */
  outputTail: string;
  /** The process group id the attempt ran in (== child pid). */
  pgid: number | null;
}

/** The result of an attempt whose agent never ran (could not start, or was refused before). */
export function notStarted(spec: AttemptSpec, failure: AttemptFailure, durationMs: number): AttemptResult {
  return {
    agentId: spec.agentId,
    role: spec.role,
    ok: false,
    exitCode: null,
    signal: null,
    durationMs,
    failure,
    finalMessage: "",
    costUsd: null,
    tokens: null,
    logPath: spec.logPath,
    outputTail: "",
    pgid: null,
  };
}

/** Everything needed to run one attempt. */
export interface AttemptSpec {
  agentId: string;
  role: AgentRole;
  /** Working directory (the WP workspace). */
  workspace: string;
  /** The full prompt text. The runner delivers it by file/stdin/arg as the agent needs. */
  prompt: string;
  /** Where to stream the log; must not exist yet (logs are never overwritten). */
  logPath: string;
  /** Wall-clock limit in ms. */
  timeoutMs: number;
  /** Stall limit in ms (no output and no change in the workspace). */
  stallTimeoutMs: number;
  /** Extra environment for this attempt (already filtered by the caller's policy). */
  env?: Record<string, string>;
  /** The WP id, for custom agents' `{wp}` placeholder. */
  wp?: string;
  /** Called right after spawn with the process group id, so the engine can persist it. */
  onSpawn?: (pgid: number, pid: number) => void | Promise<void>;
}

/** Runs agent attempts. */
export interface AgentRunner {
  /** Runs one attempt to completion. Rejects only for programming errors (unknown agent id). */
  run(spec: AttemptSpec, signal?: AbortSignal): Promise<AttemptResult>;
  /** Terminates every running attempt's process group (SIGTERM, grace, SIGKILL) and waits. */
  terminateAll(): Promise<void>;
}

/** A parsed review verdict. */
export interface ReviewVerdict {
  verdict: "approved" | "changes_requested";
  /** Feedback text after the verdict line (may be empty for approvals). */
  feedback: string;
}
