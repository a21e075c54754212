/**
 * Number formatting shared by reports and notifications. Pure.
 *
 * @module
 */
import type { WpSummary } from "../domain/run_events.ts";

/** "2 done, 1 blocked" in a stable order; "no WPs" for none. */
export function countOutcomes(wps: readonly Pick<WpSummary, "outcome">[]): string {
  const order = ["done", "approved", "blocked", "failed", "skipped", "unfinished"];
  const counts = new Map<string, number>();
  for (const wp of wps) counts.set(wp.outcome, (counts.get(wp.outcome) ?? 0) + 1);
  const parts = order.filter((o) => counts.has(o)).map((o) => `${counts.get(o)} ${o}`);
  return parts.length === 0 ? "no WPs" : parts.join(", ");
}
