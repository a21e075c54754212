/**
 * The view model behind both reports: one row per WP with its attempts as time intervals,
 * derived from a recorded run (`events.ndjson` + `summary.json`). Pure.
 *
 * The summary is authoritative for per-WP outcomes and totals when present; a run that is still
 * live, or died before writing its summary, is described from its events alone.
 *
 * @module
 */
import type { RunEvent, RunSummary, WpSummary } from "../domain/run_events.ts";
import { budgetLines, describeEvent, reviewLines } from "../core/event_text.ts";

/** What the reports are rendered from (what `readRun` returns). */
export interface RunInput {
  events: readonly RunEvent[];
  summary: RunSummary | null;
}

/** How an attempt shows on the timeline: a review, a first implementation, or a rework after a rejection. */
export type BarKind = "implement" | "rework" | "review";

/** One agent attempt on the timeline. Times are milliseconds since the run started. */
export interface AttemptBar {
  wp_id: string;
  kind: BarKind;
  agent: string;
  attempt: number;
  start_ms: number;
  /** Null when the attempt never finished (live run, or the orchestrator died during it). */
  end_ms: number | null;
  /** `ok`, a failure class, or `unfinished`. */
  result: string;
  verdict: "approved" | "changes_requested" | null;
  cost_usd: number | null;
  message: string | null;
}

/** One WP row. */
export interface WpRow extends WpSummary {
  bars: AttemptBar[];
}

/** Everything a report shows. */
export interface RunModel {
  run_id: string;
  mission: string;
  /** Summary status, or `running/unknown` when no summary was written. */
  status: string;
  exit_code: number | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  cost_usd: number;
  attempts: number;
  review_cycles: number;
  wps: WpRow[];
  agents: string[];
  next_steps: string[];
  warnings: string[];
  /** Times the run was resumed (run_started events with `resumed`). */
  resumes: number;
  /** Spend against budget (`Budget: run $3.20 of $10.00 (per_run_usd)`), when a budget was set. */
  budget: string[];
  /** Each consensus review's verdicts (`Reviews: WP01 codex approved, ...`). */
  reviews: string[];
  /** Rate-limit cooldowns of agent families (`claude cooling down until ...`, `claude free again`). */
  cooldowns: string[];
}

/** Builds the {@link RunModel} of a recorded run. */
export function buildRunModel(run: RunInput): RunModel {
  const { events, summary } = run;
  const times = events.map((e) => Date.parse(e.at)).filter(Number.isFinite);
  const startMs = firstFinite(Date.parse(summary?.started_at ?? ""), Math.min(...times), 0);
  const endMs = Math.max(firstFinite(Date.parse(summary?.finished_at ?? ""), startMs), ...times);
  const rel = (iso: string) => Math.max(0, firstFinite(Date.parse(iso), startMs) - startMs);
  const started = events.find((e) => e.type === "run_started");

  const bars = new Map<string, AttemptBar[]>();
  const open = new Map<string, AttemptBar>();
  const rejected = new Set<string>();
  const finished = new Map<string, { outcome: WpSummary["outcome"]; reason: string }>();
  const warnings: string[] = [];
  const cooldowns: string[] = [];
  const agents: string[] = [];
  for (const e of events) {
    if (e.type === "attempt_started") {
      const kind: BarKind = e.role === "review" ? "review" : rejected.has(e.wp_id) ? "rework" : "implement";
      const bar: AttemptBar = {
        wp_id: e.wp_id,
        kind,
        agent: e.agent,
        attempt: e.attempt,
        start_ms: rel(e.at),
        end_ms: null,
        result: "unfinished",
        verdict: null,
        cost_usd: null,
        message: null,
      };
      push(bars, e.wp_id, bar);
      open.set(`${e.wp_id}#${e.attempt}`, bar);
      if (!agents.includes(e.agent)) agents.push(e.agent);
    } else if (e.type === "attempt_finished") {
      const bar = open.get(`${e.wp_id}#${e.attempt}`);
      if (bar === undefined) continue;
      open.delete(`${e.wp_id}#${e.attempt}`);
      bar.end_ms = Math.max(bar.start_ms, rel(e.at));
      bar.result = e.result;
      bar.verdict = e.verdict;
      bar.cost_usd = e.cost_usd;
      bar.message = e.message;
      if (e.verdict === "changes_requested") rejected.add(e.wp_id);
    } else if (e.type === "wp_finished") {
      finished.set(e.wp_id, { outcome: e.outcome, reason: e.reason });
    } else if (e.type === "warning") {
      warnings.push(e.wp_id === undefined ? e.message : `${e.wp_id}: ${e.message}`);
    } else if (e.type === "cooldown_started" || e.type === "cooldown_ended") {
      cooldowns.push(`${e.at.slice(11, 19)} ${describeEvent(e) ?? ""}`);
    } else if (e.type === "wp_dispatched" && !bars.has(e.wp_id)) {
      bars.set(e.wp_id, []);
    }
  }

  const fromSummary = new Map((summary?.wps ?? []).map((w) => [w.wp_id, w]));
  const ids = [...new Set([...fromSummary.keys(), ...bars.keys()])].sort();
  const wps: WpRow[] = ids.map((id) => {
    const wpBars = bars.get(id) ?? [];
    return { ...(fromSummary.get(id) ?? deriveWp(id, wpBars, finished.get(id), endMs - startMs)), bars: wpBars };
  });
  const sum = (f: (w: WpRow) => number) => wps.reduce((acc, w) => acc + f(w), 0);
  return {
    run_id: summary?.run_id ?? events[0]?.run_id ?? "unknown",
    mission: summary?.mission ?? (started?.type === "run_started" ? started.mission : "unknown"),
    status: summary?.status ?? "running/unknown",
    exit_code: summary?.exit_code ?? null,
    started_at: new Date(startMs).toISOString(),
    finished_at: new Date(endMs).toISOString(),
    duration_ms: endMs - startMs,
    cost_usd: summary?.cost_usd ?? sum((w) => w.cost_usd),
    attempts: sum((w) => w.attempts),
    review_cycles: sum((w) => w.review_cycles),
    wps,
    agents,
    next_steps: summary?.next_steps ?? [],
    warnings,
    resumes: events.filter((e) => e.type === "run_started" && e.resumed).length,
    budget: summary === null ? [] : budgetLines(summary),
    reviews: summary === null ? [] : reviewLines(summary),
    cooldowns,
  };
}

function deriveWp(
  wp_id: string,
  bars: readonly AttemptBar[],
  end: { outcome: WpSummary["outcome"]; reason: string } | undefined,
  runDuration: number,
): WpSummary {
  const first = Math.min(...bars.map((b) => b.start_ms));
  const last = Math.max(...bars.map((b) => b.end_ms ?? runDuration));
  return {
    wp_id,
    outcome: end?.outcome ?? "unfinished",
    reason: end?.reason ?? "no outcome recorded",
    lane: null,
    attempts: bars.length,
    review_cycles: bars.filter((b) => b.verdict === "changes_requested").length,
    cost_usd: bars.reduce((acc, b) => acc + (b.cost_usd ?? 0), 0),
    duration_ms: bars.length === 0 ? 0 : Math.max(0, last - first),
    agents: [...new Set(bars.map((b) => b.agent))],
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function firstFinite(...values: number[]): number {
  return values.find((v) => Number.isFinite(v)) ?? 0;
}
