/**
 * Pure arithmetic and rendering of the benchmark: the critical-path lower bound, host calls
 * per WP by subcommand, medians, and the Markdown result table.
 *
 * @module
 */
import { type HostSubcommand, MUTATING_SUBCOMMANDS } from "../src/host/subcommands.ts";

/** Mutating host calls a WP needs at least: start-implementation, transition for_review, start-review, transition done. */
export const MUTATING_CALLS_PER_WP = 4;

/** The formula, printed with the results. */
export const LOWER_BOUND_FORMULA = "lower bound = max over chains of Σ_WP (impl agent time + review agent time + " +
  `${MUTATING_CALLS_PER_WP} × host delay); agent times are the measured attempt durations`;

/**
 * Critical-path lower bound in ms: for each chain, the sum over its WPs of their agent time
 * (implement + review attempts) plus {@link MUTATING_CALLS_PER_WP} host calls of `hostDelayMs`;
 * the longest chain wins. With equal agents this is `chain length × (impl + review + 4 × delay)`.
 */
export function lowerBoundMs(chainAgentMs: readonly (readonly number[])[], hostDelayMs: number): number {
  let longest = 0;
  for (const chain of chainAgentMs) {
    const total = chain.reduce((sum, agentMs) => sum + agentMs + MUTATING_CALLS_PER_WP * hostDelayMs, 0);
    longest = Math.max(longest, total);
  }
  return longest;
}

/** Host calls split by kind, per WP. */
export interface CallsPerWp {
  /** Subcommand → calls per WP. */
  bySubcommand: [string, number][];
  mutatingPerWp: number;
  readPerWp: number;
}

/** Divides the run's `host_calls` by the number of WPs and totals mutating and read-only calls. */
export function callsPerWp(hostCalls: Readonly<Record<string, number>>, wpCount: number): CallsPerWp {
  const n = Math.max(1, wpCount);
  let mutating = 0;
  let read = 0;
  const bySubcommand: [string, number][] = [];
  for (const [sub, count] of Object.entries(hostCalls).sort(([a], [b]) => a.localeCompare(b))) {
    bySubcommand.push([sub, count / n]);
    if (MUTATING_SUBCOMMANDS.has(sub as HostSubcommand)) mutating += count;
    else read += count;
  }
  return { bySubcommand, mutatingPerWp: mutating / n, readPerWp: read / n };
}

/** Median of a non-empty list (mean of the middle two for even lengths); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] ?? Number.NaN : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One line of the result table; `pass` null means "no target, informational". */
export interface ResultRow {
  metric: string;
  measured: string;
  target: string;
  pass: boolean | null;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The Markdown table of results. */
export function renderMarkdownTable(rows: readonly ResultRow[]): string {
  const lines = ["| Metric | Measured | Target | Result |", "|---|---|---|---|"];
  for (const row of rows) {
    const result = row.pass === null ? "—" : row.pass ? "pass" : "**FAIL**";
    lines.push(`| ${cell(row.metric)} | ${cell(row.measured)} | ${cell(row.target)} | ${result} |`);
  }
  return lines.join("\n");
}

/** `12.3 s` with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A number with at most two decimals, trailing zeros dropped. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The events {@link chainGaps} reads (a structural subset of RunEvent). */
export type GapEvent =
  | { type: "lane_changed"; wp_id: string; to: string; at: string }
  | { type: "attempt_finished"; wp_id: string; role: string; at: string }
  | { type: string; at: string; wp_id?: string; to?: string; role?: string };

/**
 * Mean non-agent gaps (ms) along one dependency chain, to show which host calls sit on the
 * critical path: run start → first claim, implement end → for_review, for_review → in_review,
 * review end → done, done → next WP's claim, last done → run end. NaN when not observed.
 */
export function chainGaps(events: readonly GapEvent[], chain: readonly string[]): Record<string, number> {
  const t = (e: GapEvent | undefined) => (e === undefined ? Number.NaN : Date.parse(e.at));
  const lane = (wp: string, to: string) =>
    events.find((e) => e.type === "lane_changed" && e.wp_id === wp && e.to === to);
  const lastAttempt = (wp: string, role: string) =>
    events.filter((e) => e.type === "attempt_finished" && e.wp_id === wp && e.role === role).at(-1);
  const mean = (xs: number[]) => {
    const ok = xs.filter(Number.isFinite);
    return ok.length === 0 ? Number.NaN : ok.reduce((a, b) => a + b, 0) / ok.length;
  };
  const gaps = (from: (wp: string) => GapEvent | undefined, to: (wp: string) => GapEvent | undefined) =>
    mean(chain.map((wp) => t(to(wp)) - t(from(wp))));
  const first = chain[0] ?? "";
  const last = chain.at(-1) ?? "";
  return {
    "start → first claim": t(lane(first, "in_progress")) - t(events.find((e) => e.type === "run_started")),
    "implement end → for_review": gaps((wp) => lastAttempt(wp, "implement"), (wp) => lane(wp, "for_review")),
    "for_review → in_review": gaps((wp) => lane(wp, "for_review"), (wp) => lane(wp, "in_review")),
    "review end → done": gaps((wp) => lastAttempt(wp, "review"), (wp) => lane(wp, "done")),
    "done → next claim": mean(
      chain.slice(1).map((wp, i) => t(lane(wp, "in_progress")) - t(lane(chain[i] ?? "", "done"))),
    ),
    "last done → run end": t(events.find((e) => e.type === "run_finished")) - t(lane(last, "done")),
  };
}
