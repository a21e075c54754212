/**
 * What a notification says: which run events trigger which notification kind, and the request
 * bodies for a generic webhook and for a Slack-compatible incoming webhook. Pure functions.
 *
 * @module
 */
import type { RunEvent, RunSummary } from "../domain/run_events.ts";
import { countOutcomes } from "../report/format.ts";
import { usd } from "../core/budget.ts";
import { formatElapsed } from "../core/duration.ts";
import type { NotifyTarget } from "../domain/config.ts";
import { PRODUCT } from "../domain/version.ts";

/** A notification kind a target can subscribe to. */
export type NotifyKind = NotifyTarget["events"][number];

/** What one notification is about, extracted from a run event. */
export type Notification =
  | { kind: "run_finished" | "run_failed"; run_id: string; mission: string | null; at: string; summary: RunSummary }
  | { kind: "wp_blocked"; run_id: string; mission: string | null; at: string; wp_id: string; reason: string };

/**
 * The notification kinds `event` can trigger, most specific first: a failed run is both
 * `run_failed` and `run_finished`; a blocked WP is `wp_blocked`; other events trigger nothing.
 */
export function kindsFor(event: RunEvent): NotifyKind[] {
  if (event.type === "run_finished") {
    return event.status === "failed" ? ["run_failed", "run_finished"] : ["run_finished"];
  }
  if (event.type === "wp_finished" && event.outcome === "blocked") return ["wp_blocked"];
  return [];
}

/**
 * The one kind to send to a target subscribed to `subscribed`, or null. A target that subscribes
 * to both `run_failed` and `run_finished` gets a single message for a failed run.
 */
export function kindForTarget(event: RunEvent, subscribed: readonly NotifyKind[]): NotifyKind | null {
  return kindsFor(event).find((kind) => subscribed.includes(kind)) ?? null;
}

/** Builds the {@link Notification} of `kind` for `event`; `mission` fills in events that lack it. */
export function toNotification(kind: NotifyKind, event: RunEvent, mission: string | null): Notification | null {
  if (event.type === "run_finished" && (kind === "run_finished" || kind === "run_failed")) {
    return {
      kind,
      run_id: event.run_id,
      mission: event.summary.mission ?? mission,
      at: event.at,
      summary: event.summary,
    };
  }
  if (event.type === "wp_finished" && kind === "wp_blocked") {
    return { kind, run_id: event.run_id, mission, at: event.at, wp_id: event.wp_id, reason: event.reason };
  }
  return null;
}

/** The generic webhook body: `{ event, run_id, mission, ...summary }` (or the blocked WP's facts). */
export function webhookBody(n: Notification): Record<string, unknown> {
  if (n.kind === "wp_blocked") {
    return { event: n.kind, run_id: n.run_id, mission: n.mission, at: n.at, wp_id: n.wp_id, reason: n.reason };
  }
  const { run_id, mission, ...rest } = n.summary;
  return { event: n.kind, run_id: run_id ?? n.run_id, mission: mission ?? n.mission, ...rest };
}

/** The Slack-compatible body: `{ text }` with one readable line, then one line per WP. */
export function slackBody(n: Notification): { text: string } {
  const mission = n.mission ?? "unknown mission";
  if (n.kind === "wp_blocked") {
    return { text: slackEscape(`${PRODUCT}: ${n.wp_id} is blocked in ${mission} (run ${n.run_id}): ${n.reason}`) };
  }
  const s = n.summary;
  const counts = countOutcomes(s.wps);
  const head = `${PRODUCT}: ${mission} ${s.status} (exit ${s.exit_code}) — ${counts} — ${usd(s.cost_usd)} — ` +
    `${formatElapsed(Date.parse(s.finished_at) - Date.parse(s.started_at))} (run ${s.run_id})`;
  const lines = s.wps.map((wp) =>
    `• ${wp.wp_id} ${wp.outcome}: ${wp.attempts} attempt${wp.attempts === 1 ? "" : "s"}, ` +
    `${wp.review_cycles} review cycle${wp.review_cycles === 1 ? "" : "s"}, ${usd(wp.cost_usd)}` +
    (wp.outcome === "done" || wp.outcome === "approved" ? "" : ` — ${wp.reason}`)
  );
  const next = s.next_steps.map((step) => `next: ${step}`);
  return { text: slackEscape([head, ...lines, ...next].join("\n")) };
}

/** Slack treats `&`, `<` and `>` as control characters in message text. */
function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
