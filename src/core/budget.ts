/**
 * Budgets with a hard stop (`budget:` in orchestration.yaml), decided over plain data from the
 * cost and time the agents report: a WP over its budget starts no new attempt (it is blocked),
 * a run over its budget starts no new WP (they stay planned). Pure.
 *
 * - `per_wp_usd`: the WP's cost so far (`cost_usd`, summed from the attempts that reported one);
 * - `per_wp_minutes`: the WP's agent time (the sum of its attempts' durations; waits excluded);
 * - `per_run_usd`: the cost of every WP of the run state (a resumed run keeps what it spent).
 *
 * A limit is reached when the spend is at or over it: the attempt that crosses it finishes (it
 * is not killed), the next one does not start.
 *
 * @module
 */
import type { WpBudget } from "../domain/config.ts";
import { formatDuration } from "./duration.ts";
import type { RunState, WpRunState } from "../domain/run_state.ts";

/** The limits of one run: its own and each pipeline's per-WP limits. */
export interface RunBudget {
  readonly perRunUsd: number | null;
  /** Pipeline name → its WP budget. */
  readonly pipelines: Readonly<Record<string, WpBudget>>;
}

/** Which limit stopped the work. */
export type BudgetLimit = "per_wp_usd" | "per_wp_minutes" | "per_run_usd";

/** A reached limit: which one, its value and the spend (USD, or ms of agent time for minutes). */
export interface BudgetStop {
  limit: BudgetLimit;
  /** The configured limit (USD, or ms for per_wp_minutes). */
  value: number;
  spent: number;
  /** `budget: WP01 spent $1.23 of its per_wp_usd $1.00; no new attempt starts`. */
  reason: string;
}

/** The WP's agent time so far (ms): the sum of its attempts' durations. */
export function agentTimeMs(wp: WpRunState): number {
  return wp.attempts.reduce((sum, a) => sum + (a.duration_ms ?? 0), 0);
}

/** The run's cost so far: every WP of the state. */
export function runSpentUsd(state: RunState): number {
  return Object.values(state.wps).reduce((sum, wp) => sum + wp.cost_usd, 0);
}

/** A time in whole seconds (`31m`, `1h2m5s`). */
export function shownTime(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/**
 * `$1.23`, the one money format (cents, so a limit and a spend close to it stay apart); a
 * non-finite amount prints as `$0.00`.
 */
export function usd(value: number): string {
  return `$${(Number.isFinite(value) ? value : 0).toFixed(2)}`;
}

/** The WP's reached limit, or null while it is within its budget (or has none). */
export function wpBudgetStop(budget: WpBudget | undefined, wp: WpRunState): BudgetStop | null {
  const usdLimit = budget?.perWpUsd ?? null;
  if (usdLimit !== null && wp.cost_usd >= usdLimit) {
    return {
      limit: "per_wp_usd",
      value: usdLimit,
      spent: wp.cost_usd,
      reason: `budget: ${wp.wp_id} spent ${usd(wp.cost_usd)} of its per_wp_usd ${usd(usdLimit)}; ` +
        "no new attempt starts",
    };
  }
  const msLimit = budget?.perWpMs ?? null;
  const used = agentTimeMs(wp);
  if (msLimit !== null && used >= msLimit) {
    return {
      limit: "per_wp_minutes",
      value: msLimit,
      spent: used,
      reason: `budget: ${wp.wp_id} used ${shownTime(used)} of agent time, its per_wp_minutes is ` +
        `${shownTime(msLimit)}; no new attempt starts`,
    };
  }
  return null;
}

/** The run's reached limit, or null while it is within its budget (or has none). */
export function runBudgetStop(budget: RunBudget | undefined, state: RunState): BudgetStop | null {
  const limit = budget?.perRunUsd ?? null;
  const spent = runSpentUsd(state);
  if (limit === null || spent < limit) return null;
  return {
    limit: "per_run_usd",
    value: limit,
    spent,
    reason: `budget: the run spent ${usd(spent)} of its per_run_usd ${usd(limit)}; no new WP starts`,
  };
}
