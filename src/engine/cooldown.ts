/**
 * Rate-limit cooldowns shared by every WP of a run: when one attempt of an agent is rate
 * limited, no WP starts another attempt of that agent before the wait is over (parallel WPs
 * must not keep hammering the same quota; reliability.md §3.3).
 *
 * @module
 */

/** Per-agent "not before" times on the monotonic clock. */
export class AgentCooldowns {
  readonly #until = new Map<string, number>();

  /** Records that `agent` must not start before `untilMs` (the later of two notes wins). */
  note(agent: string, untilMs: number): void {
    this.#until.set(agent, Math.max(untilMs, this.#until.get(agent) ?? 0));
  }

  /** Milliseconds left before `agent` may start at `nowMs` (0 when free). */
  remaining(agent: string, nowMs: number): number {
    return Math.max(0, (this.#until.get(agent) ?? 0) - nowMs);
  }
}
