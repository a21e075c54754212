/**
 * Number formatting shared by reports and notifications. Pure.
 *
 * @module
 */
import type { WpSummary } from "../domain/run_events.ts";

/** "$1.23" (non-finite values print as $0.00). */
export function formatUsd(value: number): string {
  return `$${(Number.isFinite(value) ? value : 0).toFixed(2)}`;
}

/** "45s", "12m30s", "1h05m"; "?" for a negative or unknown duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** "2 done, 1 blocked" in a stable order; "no WPs" for none. */
export function countOutcomes(wps: readonly Pick<WpSummary, "outcome">[]): string {
  const order = ["done", "approved", "blocked", "failed", "skipped", "unfinished"];
  const counts = new Map<string, number>();
  for (const wp of wps) counts.set(wp.outcome, (counts.get(wp.outcome) ?? 0) + 1);
  const parts = order.filter((o) => counts.has(o)).map((o) => `${counts.get(o)} ${o}`);
  return parts.length === 0 ? "no WPs" : parts.join(", ");
}
