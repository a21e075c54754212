/**
 * A rate-limit breaker shared by every WP of a run, keyed by agent family (`claude` covers
 * claude-code and any custom agent of the claude family): after a rate-limit or overloaded
 * failure no WP starts another attempt of that family before the cooldown is over, and then
 * only one of them (the probe) goes first. The others wait for the probe: when it is limited
 * again a new cooldown starts, otherwise the breaker closes and they all go. So four WPs on one
 * limited provider make one request per cooldown, not four (parallel WPs must not keep
 * hammering the same quota; docs/reliability.md §3.3). An agent of another family is not held.
 *
 * The rules are pure ({@link breakerGate}, {@link cooldownUntil}); {@link AgentCooldowns} keeps
 * the per-family entries and wakes the WPs waiting for a probe.
 *
 * @module
 */
import type { FailureClass } from "../domain/agent.ts";

/** One family's breaker: cooling down until `untilMs` (monotonic), then half-open with a probe. */
export interface BreakerEntry {
  family: string;
  /** The agent whose failure opened (or last extended) the cooldown. */
  agent: string;
  reason: FailureClass;
  untilMs: number;
  /** The WP whose attempt is testing the provider after the cooldown, if one is. */
  probe: string | null;
}

/** What a WP may do before an attempt of a family. */
export type GateDecision =
  /** Start the attempt; `probe` when it is the one request testing the provider after a cooldown. */
  | { kind: "go"; probe: boolean }
  /** The family is cooling down: wait `ms`, then ask again. */
  | { kind: "wait"; ms: number }
  /** Another WP is testing the provider: wait until it is done, then ask again. */
  | { kind: "wait_probe"; probe: string };

/** The gate for `wpId` at `nowMs` given the family's entry (undefined: closed). Pure. */
export function breakerGate(entry: BreakerEntry | undefined, wpId: string, nowMs: number): GateDecision {
  if (entry === undefined) return { kind: "go", probe: false };
  if (nowMs < entry.untilMs) return { kind: "wait", ms: entry.untilMs - nowMs };
  if (entry.probe === null || entry.probe === wpId) return { kind: "go", probe: true };
  return { kind: "wait_probe", probe: entry.probe };
}

/**
 * When a cooldown of `delayMs` noted at `nowMs` ends: with `jitter`, up to a tenth of the wait
 * (at most 30 s) is added, so orchestrators sharing one quota do not all come back at once. Pure.
 *
 * @param random uniform in [0, 1).
 */
export function cooldownUntil(nowMs: number, delayMs: number, jitter: boolean, random: () => number): number {
  const spread = jitter ? Math.floor(random() * Math.min(delayMs / 10, 30_000)) : 0;
  return nowMs + delayMs + spread;
}

/** A change of a family's breaker, for events and the state file. */
export type BreakerChange =
  | { kind: "started"; entry: BreakerEntry; wpId: string }
  /** A WP already in flight was limited too: the same cooldown runs longer (no event). */
  | { kind: "extended"; entry: BreakerEntry; wpId: string }
  | { kind: "ended"; family: string; agent: string; wpId: string };

/** Per-family breakers of one run. */
export class AgentCooldowns {
  readonly #entries = new Map<string, BreakerEntry>();
  readonly #familyOf: (agent: string) => string;
  readonly #onChange: (change: BreakerChange) => void;
  #waiters: (() => void)[] = [];

  /** `familyOf` maps an agent id to its family (default: each agent its own family). */
  constructor(familyOf: (agent: string) => string = (a) => a, onChange: (change: BreakerChange) => void = () => {}) {
    this.#familyOf = familyOf;
    this.#onChange = onChange;
  }

  /** The family of `agent` (the key of its breaker). */
  familyOf(agent: string): string {
    return this.#familyOf(agent);
  }

  /**
   * Records a rate-limit/overload failure of `agent` by `wpId`: its family must not start before
   * `untilMs` (the later of two notes wins). A note while no cooldown runs (closed, or a probe
   * was limited again) starts a new cooldown and reports it.
   */
  note(agent: string, untilMs: number, reason: FailureClass = "rate_limit", wpId = "", nowMs = 0): void {
    const family = this.#familyOf(agent);
    const entry = this.#entries.get(family);
    if (entry !== undefined && nowMs < entry.untilMs) {
      if (untilMs > entry.untilMs) {
        Object.assign(entry, { untilMs, agent, reason });
        this.#onChange({ kind: "extended", entry: { ...entry }, wpId });
      }
      if (entry.probe === wpId) entry.probe = null;
      this.#wake();
      return;
    }
    const fresh: BreakerEntry = { family, agent, reason, untilMs, probe: null };
    this.#entries.set(family, fresh);
    this.#onChange({ kind: "started", entry: { ...fresh }, wpId });
    this.#wake();
  }

  /** Milliseconds left before `agent`'s family may start at `nowMs` (0 when free or half-open). */
  remaining(agent: string, nowMs: number): number {
    return Math.max(0, (this.#entries.get(this.#familyOf(agent))?.untilMs ?? 0) - nowMs);
  }

  /** Asks whether `wpId` may start an attempt of `agent` now; a `go` after a cooldown makes it the probe. */
  enter(agent: string, wpId: string, nowMs: number): GateDecision {
    const entry = this.#entries.get(this.#familyOf(agent));
    const decision = breakerGate(entry, wpId, nowMs);
    if (decision.kind === "go" && decision.probe && entry !== undefined) entry.probe = wpId;
    return decision;
  }

  /**
   * The attempt of `wpId` with `agent` ended without a rate limit (or was abandoned): if it was
   * the probe, the provider answered and the breaker closes; if it was abandoned (`closes`
   * false) the probe is handed to the next WP instead.
   */
  release(agent: string, wpId: string, closes = true): void {
    const family = this.#familyOf(agent);
    const entry = this.#entries.get(family);
    if (entry === undefined || entry.probe !== wpId) return;
    if (closes) {
      this.#entries.delete(family);
      this.#onChange({ kind: "ended", family, agent, wpId });
    } else {
      entry.probe = null;
    }
    this.#wake();
  }

  /** Resolves at the next change of any breaker, or when `signal` aborts (then it rejects). */
  changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** The breakers open or half-open now (copies). */
  entries(): BreakerEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
