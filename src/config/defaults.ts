/**
 * The built-in defaults: what applies for every key the file leaves out, and for everything
 * when there is no file. Like the reference orchestrator, claude-code implements and reviews
 * and four WPs run at once. `template.ts` spells the same values out (a test keeps them equal).
 *
 * @module
 */
import type { AgentRole } from "../domain/agent.ts";
import type { HostConfig, NotifyTarget, PolicyConfig, RetryPolicy } from "../domain/config.ts";

/** Built-in defaults, in resolved units (milliseconds, bytes). */
export const DEFAULTS = {
  host: {
    kind: "spec-kitty",
    command: ["spec-kitty"],
    timeoutMs: 60_000,
    heartbeatMs: 30_000,
  } satisfies HostConfig,
  actor: "spec-kitty-orchestrator",
  maxConcurrent: 4,
  accept: false,
  historyNotes: true,
  policy: {
    approvalMode: "full_auto",
    sandboxMode: "workspace_write",
    networkMode: "none",
    toolRestrictions: null,
  } satisfies PolicyConfig,
  /** Chains of the built-in `default` pipeline (used when the file defines no pipelines). */
  agents: { implement: ["claude-code"], review: ["claude-code"] } satisfies Record<AgentRole, readonly string[]>,
  timeoutMs: { implement: 45 * 60_000, review: 20 * 60_000 } satisfies Record<AgentRole, number>,
  stallTimeoutMs: 10 * 60_000,
  retry: {
    maxAttempts: 2,
    initialIntervalMs: 30_000,
    backoffCoefficient: 2,
    maximumIntervalMs: 10 * 60_000,
    jitter: true,
    nonRetryable: ["auth", "model_not_found", "config"],
    rateLimitBudgetMs: 30 * 60_000,
  } satisfies RetryPolicy,
  maxReviewCycles: 3,
  /** Consensus reviewers run one after another unless `review.parallel` is true. */
  reviewParallel: false,
  notify: {
    events: ["run_finished", "wp_blocked", "run_failed"],
    timeoutMs: 10_000,
    retries: 2,
  } satisfies Pick<NotifyTarget, "events" | "timeoutMs" | "retries">,
  logMaxBytes: 50 * 1024 * 1024,
  runsRetention: 20,
};
