/**
 * A fake provider for breaker tests: the first `limited` requests of a role are answered with a
 * rate limit; every request is recorded in order.
 *
 * @module
 */
import type { AgentRole } from "../../src/domain/agent.ts";
import type { FakeRunner } from "./fakes.ts";

/** One request the fake provider saw. */
export interface AgentResult {
  wp: string;
  agent: string;
  result: "ok" | "rate_limit";
}

/** Makes `runner` answer its first `limited` requests of `role` with 429 (retry-after `retryAfterMs`). */
export function limitedProvider(
  runner: FakeRunner,
  opts: {
    role: AgentRole;
    limited: number;
    retryAfterMs: number;
    /** Holds request number `n` (0-based) until the promise resolves. */
    waitFor?: (n: number) => Promise<unknown> | undefined;
  },
): AgentResult[] {
  const seen: AgentResult[] = [];
  let left = opts.limited;
  const run = runner.run.bind(runner);
  runner.run = (spec, signal) => {
    if (spec.role === opts.role) {
      const limited = left > 0;
      const waitFor = opts.waitFor?.(seen.length);
      const key = `${spec.wp}:${spec.role}`;
      if (limited) {
        left--;
        runner.script.set(key, [
          {
            failure: { class: "rate_limit", message: "429 Too Many Requests", retryAfterMs: opts.retryAfterMs },
            ...(waitFor !== undefined ? { waitFor } : {}),
          },
          ...(runner.script.get(key) ?? []),
        ]);
      } else if (waitFor !== undefined) {
        runner.script.set(key, [{ waitFor }, ...(runner.script.get(key) ?? [])]);
      }
      seen.push({ wp: spec.wp ?? "?", agent: spec.agentId, result: limited ? "rate_limit" : "ok" });
    }
    return run(spec, signal);
  };
  return seen;
}

/**
 * A virtual clock for WPs that wait at the same time: a sleep ends when virtual time reaches its
 * deadline, and time jumps to the earliest deadline only in a later macrotask (once what runs now
 * has reached its next wait), so concurrent sleeps overlap as they would in real time.
 */
export class VirtualClock {
  readonly sleeps: number[] = [];
  #now = Date.parse("2026-01-01T00:00:00Z");
  #timers: { at: number; resolve: () => void }[] = [];
  #flushing = false;

  now(): Date {
    return new Date(this.#now);
  }
  monotonic(): number {
    return this.#now;
  }
  random(): number {
    return 0.5;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: this.#now + ms, resolve };
      this.#timers.push(timer);
      signal?.addEventListener("abort", () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal.reason);
      }, { once: true });
      this.#schedule();
    });
  }
  #schedule(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    setTimeout(() => {
      this.#flushing = false;
      if (this.#timers.length === 0) return;
      const at = Math.min(...this.#timers.map((t) => t.at));
      this.#now = Math.max(this.#now, at);
      const due = this.#timers.filter((t) => t.at <= this.#now);
      this.#timers = this.#timers.filter((t) => t.at > this.#now);
      for (const t of due) t.resolve();
      if (this.#timers.length > 0) this.#schedule();
    }, 5);
  }
}

/** A promise resolved once `n` attempts have started (holds a burst of requests together). */
export function barrier(n: number): { reached: Promise<void>; arrive(): void } {
  let count = 0;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (open = resolve));
  return {
    reached,
    arrive() {
      if (++count >= n) open();
    },
  };
}
