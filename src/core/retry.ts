/**
 * The one retry policy: exponential backoff (optionally with full jitter) and a total deadline
 * per operation. Host reads (`host/spec_kitty_host.ts`), webhook deliveries
 * (`notify/notifier.ts`) and the engine's agent retries (`core/attempt_retry.ts`) all compute their
 * waits with {@link backoffMs} / {@link backoffDelayMs}; the first two also run their attempts
 * through {@link withRetry}.
 *
 * One layer retries: an operation that calls something already retried must not retry it again
 * (retries multiply: 3 refreshes around 4 attempts made 12 host processes for one read). The
 * deadline bounds what one operation may cost whatever its attempts do.
 *
 * Pure except for what the caller injects (clock, sleep, randomness).
 *
 * @module
 */

/** Exponential backoff: `initial × coefficient^(n-1)` capped at `maximum`. */
export interface BackoffPolicy {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** Full jitter: the wait is uniform in [0, backoff). @default false */
  readonly jitter?: boolean;
}

/**
 * The backoff before retry number `retry` (1 = first retry), before jitter.
 *
 * @example backoffMs({ initialIntervalMs: 30_000, backoffCoefficient: 2, maximumIntervalMs: 600_000 }, 3) === 120_000
 */
export function backoffMs(
  policy: { initialIntervalMs: number; backoffCoefficient: number; maximumIntervalMs: number },
  retry: number,
): number {
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, retry - 1));
  return Math.min(policy.maximumIntervalMs, Number.isFinite(raw) ? raw : policy.maximumIntervalMs);
}

/** The wait before retry number `retry`: {@link backoffMs}, full-jittered when the policy says so. */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: () => number): number {
  const computed = backoffMs(policy, retry);
  return policy.jitter ? Math.floor(random() * computed) : computed;
}

/** Time, waiting and randomness, injected. */
export interface RetryClock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

/** One attempt's view of its operation. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Time left before the operation's deadline: an attempt should not be given longer. */
  readonly remainingMs: number;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts in all, the first included (≥ 1). */
  readonly maxAttempts: number;
  /** Total time the operation may take, from the start of its first attempt. */
  readonly deadlineMs: number;
  /** A retry is not started with less than this left before the deadline. @default 0 */
  readonly minAttemptMs?: number;
  readonly backoff: BackoffPolicy;
  /** Whether a failure may be retried at all (typed decision: never on error prose). */
  retryable(error: unknown): boolean;
  /** Told after each failed attempt whether another one follows. */
  onFailure?(error: unknown, attempt: number, willRetry: boolean): void;
  readonly clock: RetryClock;
}

/**
 * Runs `op` until it succeeds, fails with a non-retryable error, has made `maxAttempts`
 * attempts, or the next attempt could not start (after its backoff) with `minAttemptMs` left
 * before the deadline. Rejects with the last error.
 */
export async function withRetry<T>(op: (ctx: AttemptContext) => Promise<T>, opts: RetryOptions): Promise<T> {
  const started = opts.clock.now();
  const remaining = () => opts.deadlineMs - (opts.clock.now() - started);
  for (let attempt = 1;; attempt++) {
    try {
      return await op({ attempt, remainingMs: remaining() });
    } catch (error) {
      let willRetry = attempt < opts.maxAttempts && opts.retryable(error);
      const delay = willRetry ? backoffDelayMs(opts.backoff, attempt, opts.clock.random) : 0;
      if (willRetry && remaining() - delay < Math.max(1, opts.minAttemptMs ?? 0)) willRetry = false;
      opts.onFailure?.(error, attempt, willRetry);
      if (!willRetry) throw error;
      await opts.clock.sleep(delay);
    }
  }
}
