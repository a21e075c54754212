/**
 * What to do after a failed agent attempt: retry the same agent, fall back to the next one in
 * the chain, or give up. Pure; the caller sleeps and updates counters.
 *
 * Policy (Temporal vocabulary, see config/types.ts `RetryPolicy`):
 * - `maxAttempts` attempts per agent, then the next agent of the stage's chain;
 * - classes in `nonRetryable` skip the remaining attempts of that agent;
 * - backoff `initial × coefficient^(n-1)` capped at `maximum`, with full jitter when enabled;
 * - a rate limit waits `max(retryAfter, backoff)`; a wait longer than {@link RATE_LIMIT_WAIT_CAP_MS}
 *   is not worth sleeping through overnight, so it falls back instead.
 *
 * @module
 */
import type { AttemptFailure } from "../agents/types.ts";
import type { StageConfig } from "../config/types.ts";

/** Longest rate-limit wait we sleep through before preferring the next agent (1 h). */
export const RATE_LIMIT_WAIT_CAP_MS = 60 * 60 * 1000;

/** The decision after a failed attempt. */
export type FailureDecision =
  | { kind: "retry"; delayMs: number }
  | { kind: "fallback"; agentIndex: number }
  | { kind: "exhausted"; reason: string };

/** Where a stage is in its chain. */
export interface StageCursor {
  /** Index of the agent that just failed. */
  agentIndex: number;
  /** Failed attempts of that agent, counting the one that just failed (≥ 1). */
  failures: number;
}

/**
 * The backoff before retry number `retry` (1 = first retry), before jitter.
 *
 * @example backoffMs(policy with 30 s, ×2, cap 10 min, 3) === 120_000
 */
export function backoffMs(
  policy: { initialIntervalMs: number; backoffCoefficient: number; maximumIntervalMs: number },
  retry: number,
): number {
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, retry - 1));
  return Math.min(policy.maximumIntervalMs, Number.isFinite(raw) ? raw : policy.maximumIntervalMs);
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
  const nextAgent = () =>
    cursor.agentIndex + 1 < stage.agents.length ? { kind: "fallback" as const, agentIndex: cursor.agentIndex + 1 } : {
      kind: "exhausted" as const,
      reason: `every agent of the chain [${stage.agents.join(", ")}] failed; last: ${agent} ${failure.class}: ${
        oneLine(failure.message)
      }`,
    };

  if (policy.nonRetryable.includes(failure.class)) return nextAgent();
  if (cursor.failures >= policy.maxAttempts) return nextAgent();

  const computed = backoffMs(policy, cursor.failures);
  const jittered = policy.jitter ? Math.floor(random() * computed) : computed;
  if (failure.class === "rate_limit" && failure.retryAfterMs !== undefined) {
    const wait = Math.max(failure.retryAfterMs, jittered);
    if (wait > RATE_LIMIT_WAIT_CAP_MS) return nextAgent();
    return { kind: "retry", delayMs: wait };
  }
  return { kind: "retry", delayMs: jittered };
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
