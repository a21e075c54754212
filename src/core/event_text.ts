/**
 * How run events and the run summary read as text: one line per event, durations, costs, the
 * waits, budgets and reviews of a summary. Pure; the live terminal view (`app/view.ts`) and the
 * run reports (`report/`) both print with it.
 *
 * @module
 */
import { usd } from "./budget.ts";
import { formatElapsed } from "./duration.ts";
import { escapeForeign } from "./escape.ts";
import type { RunEvent, RunSummary } from "../domain/run_events.ts";

/**
 * A measured duration for humans (`42s`, `3m05s`, `1h02m`, see `formatElapsed`); never `?`:
 * event durations and the live view's ages are measured, so a clock stepped back reads `0s`.
 */
export function formatDuration(ms: number): string {
  return formatElapsed(Math.max(0, ms));
}

/**
 * The time WPs spent waiting out rate limits and overloads, or null when none did:
 * `Waited out rate limits: 3m05s (WP01 2m00s, WP02 1m05s)`.
 */
export function waitLine(summary: RunSummary): string | null {
  const waits = summary.wps.filter((w) => (w.wait_ms ?? 0) > 0);
  if (waits.length === 0) return null;
  const total = waits.reduce((sum, w) => sum + (w.wait_ms ?? 0), 0);
  return `Waited out rate limits: ${formatDuration(total)} (` +
    waits.map((w) => `${w.wp_id} ${formatDuration(w.wait_ms ?? 0)}`).join(", ") + ")";
}

/**
 * Spend against budget, one line each, or none when no budget is set:
 * `Budget: run $3.20 of $10.00 (per_run_usd)`, `Budget: WP01 $1.10 of $2.00, 12m of 30m agent time`.
 */
export function budgetLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  const run = summary.budget?.per_run_usd;
  if (typeof run === "number") lines.push(`Budget: run ${usd(summary.cost_usd)} of ${usd(run)} (per_run_usd)`);
  for (const w of summary.wps) {
    const b = w.budget;
    if (b === undefined) continue;
    const parts = [
      b.per_wp_usd === null ? "" : `${usd(w.cost_usd)} of ${usd(b.per_wp_usd)}`,
      b.per_wp_minutes === null ? "" : `${formatDuration(b.agent_ms)} of ${b.per_wp_minutes}m agent time`,
    ].filter((p) => p !== "");
    lines.push(`Budget: ${w.wp_id} ${parts.join(", ")}`);
  }
  return lines;
}

/** Each consensus review's verdicts: `Reviews: WP01 codex approved, claude-code changes_requested`. */
export function reviewLines(summary: RunSummary): string[] {
  return summary.wps.flatMap((w) =>
    w.reviews === undefined
      ? []
      : [`Reviews: ${w.wp_id} ${w.reviews.map((r) => `${r.reviewer} ${r.verdict ?? "no verdict"}`).join(", ")}`]
  );
}

/** Formats a cost (`$0.42`, `-` when unknown/zero). */
export function formatCost(cost: number | null): string {
  return cost === null || cost === 0 ? "-" : usd(cost);
}

/**
 * One human line for an event, or null for events shown only in the live table. Messages and
 * reasons carry agent and host text, so the whole line is escaped (`escapeForeign`).
 */
export function describeEvent(event: RunEvent): string | null {
  const line = eventLine(event);
  return line === null ? null : escapeForeign(line);
}

function eventLine(event: RunEvent): string | null {
  switch (event.type) {
    case "run_started":
      return `${event.resumed ? "Resuming" : "Starting"} run ${event.run_id} for mission ${event.mission} ` +
        `(host ${event.host}, actor ${event.actor}, max ${event.max_concurrent} in flight)`;
    case "wp_dispatched":
      return `${event.wp_id} started (pipeline ${event.pipeline}, lane ${event.lane ?? "planned"})`;
    case "attempt_started":
      return `${event.wp_id} ${event.role} attempt ${event.attempt} with ${event.agent} (log ${event.log_path})`;
    case "attempt_finished": {
      const verdict = event.verdict === null ? "" : ` verdict ${event.verdict}`;
      const why = event.result === "ok" || event.message === null ? "" : `: ${event.message}`;
      return `${event.wp_id} ${event.role} attempt ${event.attempt} with ${event.agent}: ${event.result}${verdict} ` +
        `(${formatDuration(event.duration_ms)}, ${formatCost(event.cost_usd)})${why}`;
    }
    case "lane_changed":
      return `${event.wp_id} ${event.from} -> ${event.to}`;
    case "wp_finished":
      return `${event.wp_id} ${event.outcome}: ${event.reason}`;
    case "warning":
      return `${event.wp_id === undefined ? "" : `${event.wp_id}: `}${event.message}`;
    case "run_finished":
      return `Run ${event.run_id} ${event.status} (exit ${event.exit_code})`;
    case "cooldown_started":
      return `${event.family} cooling down until ${clockTime(event.until)} (${event.reason} of ${event.agent} in ` +
        `${event.wp_id}): no WP starts a ${event.family} attempt before, then one goes first`;
    case "cooldown_ended":
      return `${event.family} is free again (${event.wp_id}'s ${event.agent} attempt was not limited)`;
  }
}

/** `09:42:10` (UTC) of an ISO time, or the text as given when it is not one. */
export function clockTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : new Date(at).toISOString().slice(11, 19);
}
