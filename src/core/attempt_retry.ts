/**
 * What to do after a failed agent attempt: retry the same agent, wait out a transient failure,
 * fall back to the next one in the chain, or give up. Pure; the caller sleeps and updates
 * counters.
 *
 * Policy (Temporal vocabulary, see domain/config.ts `RetryPolicy`):
 * - `maxAttempts` attempts per agent, then the next agent of the stage's chain;
 * - classes in `nonRetryable` skip the remaining attempts of that agent;
 * - backoff `initial × coefficient^(n-1)` capped at `maximum`, with full jitter when enabled;
 * - a transient failure ({@link TRANSIENT_CLASSES}: rate limit, overload) is the provider's, not
 *   the agent's: it is waited out and never counts against `maxAttempts`. It waits
 *   `max(retryAfter, backoff)` (the CLI's retry-after when it gave one, and a growing backoff so
 *   a CLI that fails at once cannot spin), the backoff counting the agent's transient failures in
 *   a row. These waits have their own budget per WP and stage (`rateLimitBudgetMs`): when the next
 *   wait would go over it, the next agent of the chain runs, and when none is left the stage is
 *   exhausted (the WP is blocked).
 *
 * @module
 */
import type { AttemptFailure, FailureClass } from "../domain/agent.ts";
import type { StageConfig } from "../domain/config.ts";
import { formatDuration } from "./duration.ts";
import { backoffDelayMs } from "./retry.ts";

/** Failures of the provider (rate limit, overload) that are waited out instead of counted. */
export const TRANSIENT_CLASSES: ReadonlySet<FailureClass> = new Set<FailureClass>(["rate_limit", "overloaded"]);

/** True for a failure class that is waited out (see {@link TRANSIENT_CLASSES}). */
export function isTransient(failureClass: FailureClass): boolean {
  return TRANSIENT_CLASSES.has(failureClass);
}

/** The decision after a failed attempt. */
export type FailureDecision =
  /** Retry the same agent after `delayMs` (a counted failure). */
  | { kind: "retry"; delayMs: number }
  /** A transient failure: the agent may not start before `delayMs` has passed (not counted). */
  | { kind: "wait"; delayMs: number }
  | { kind: "fallback"; agentIndex: number }
  | { kind: "exhausted"; reason: string };

/** Where a stage is in its chain. */
export interface StageCursor {
  /** Index of the agent that just failed. */
  agentIndex: number;
  /**
   * Counted (non-transient) failures of that agent, including the one that just failed when it
   * is counted (≥ 1 then).
   */
  failures: number;
  /** Transient failures of that agent in a row, including the one that just failed when transient. */
  transientStreak?: number;
  /** What this WP already waited out on transient failures in this stage (ms). */
  waitedMs?: number;
}

/** The backoff before retry number `retry`, before jitter: the shared policy's (`core/retry.ts`). */
export { backoffMs } from "./retry.ts";

/** A duration in whole seconds for messages (`30m`, `1m30s`). */
function shown(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/**
 * Decides what follows a failed attempt of `stage.agents[cursor.agentIndex]`.
 *
 * @param random uniform in [0, 1), used for full jitter.
 */
export function afterAttemptFailure(
  stage: StageConfig,
  cursor: StageCursor,
  failure: AttemptFailure,
  random: () => number,
): FailureDecision {
  const policy = stage.retry;
  const agent = stage.agents[cursor.agentIndex] ?? "?";
  const nextAgent = (why = "") =>
    cursor.agentIndex + 1 < stage.agents.length ? { kind: "fallback" as const, agentIndex: cursor.agentIndex + 1 } : {
      kind: "exhausted" as const,
      reason: `every agent of the chain [${stage.agents.join(", ")}] failed; last: ${agent} ${failure.class}: ${
        oneLine(failure.message)
      }${why}`,
    };
  const jittered = (n: number) => backoffDelayMs(policy, n, random);

  if (policy.nonRetryable.includes(failure.class)) return nextAgent();
  if (isTransient(failure.class)) {
    const wait = Math.max(failure.retryAfterMs ?? 0, jittered(Math.max(1, cursor.transientStreak ?? 1)));
    const waited = cursor.waitedMs ?? 0;
    if (waited + wait > policy.rateLimitBudgetMs) {
      return nextAgent(
        ` (waiting ${shown(wait)} more would exceed the ${shown(policy.rateLimitBudgetMs)} rate_limit_budget; waited ${
          shown(waited)
        })`,
      );
    }
    return { kind: "wait", delayMs: wait };
  }
  if (cursor.failures >= policy.maxAttempts) return nextAgent();
  return { kind: "retry", delayMs: jittered(cursor.failures) };
}

/**
 * Before an attempt of an agent that is still cooling down from a rate limit (noted by this or
 * another WP): wait it out, or, when that wait would take this WP past its budget and the chain
 * has another agent, move on to it now. With no agent left the WP waits (its next transient
 * failure, if any, then exhausts the stage).
 */
export function beforeCooldown(
  stage: StageConfig,
  agentIndex: number,
  cooldownMs: number,
  waitedMs: number,
): { kind: "wait" } | { kind: "fallback"; agentIndex: number } {
  if (cooldownMs <= 0 || waitedMs + cooldownMs <= stage.retry.rateLimitBudgetMs) return { kind: "wait" };
  return agentIndex + 1 < stage.agents.length ? { kind: "fallback", agentIndex: agentIndex + 1 } : { kind: "wait" };
}

/** First line of a message, capped, for reasons shown in tables. */
export function oneLine(text: string, max = 200): string {
  const first = text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return first.length > max ? first.slice(0, max - 1) + "…" : first;
}

/** Retries of a `LANE_ALLOCATION_FAILED` that may be a race (see {@link afterAllocationFailure}). */
export const ALLOCATION_RETRIES = 2;

/** The decision after a refused lane-allocating host call. */
export type AllocationDecision = { kind: "retry"; delayMs: number } | { kind: "give_up" };

/**
 * Whether a refused `start-implementation` is tried again. The real host reports a lost race
 * on the mission's branches ("cannot lock ref ... reference already exists") as a plain
 * `LANE_ALLOCATION_FAILED` whose data carry only prose (`reason`, `message`): the envelope has
 * no structured way to tell that race from a real failure (a dirty reused worktree, a merge
 * conflict). We never decide on prose, so every such failure is retried a bounded number of
 * times ({@link ALLOCATION_RETRIES}) after a short jittered wait: a race resolves itself (our
 * own calls are serialised, so the other party is outside this run), a real failure costs a
 * few seconds and then fails the WP as before. A failure that does carry a structured cause
 * (`data.error_code`, e.g. `UNHONORABLE_BASE`) is deterministic and is not retried.
 *
 * @param retries retries already made for this call (0 after the first refusal).
 * @param random uniform in [0, 1), for jitter.
 */
export function afterAllocationFailure(
  error: { code: string; data: Readonly<Record<string, unknown>> },
  retries: number,
  random: () => number,
): AllocationDecision {
  if (error.code !== "LANE_ALLOCATION_FAILED") return { kind: "give_up" };
  if (typeof error.data.error_code === "string" && error.data.error_code !== "") return { kind: "give_up" };
  if (retries >= ALLOCATION_RETRIES) return { kind: "give_up" };
  return { kind: "retry", delayMs: 1000 * (retries + 1) + Math.floor(random() * 1000) };
}
