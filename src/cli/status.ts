/**
 * `status`: what the last run did, from the run state file, plus whether a live process holds
 * the run lock and, when the host answers quickly, each WP's lane (the host owns lanes; the state
 * file never stores them). A damaged state file is reported, never shown as "no run".
 *
 * @module
 */
import { type Host, isEraId } from "../domain/host.ts";
import { errorMessage, ExitCode } from "../domain/errors.ts";
import { loadResolvedConfig } from "../store/config_file.ts";
import { createHost } from "../host/mod.ts";
import { isLockHeld, type LockInfo, readLockInfo } from "../store/lock.ts";
import { StateStore } from "../store/run_state.ts";
import { selectStateMission } from "../store/state_select.ts";
import type { RunState, WpRunState } from "../domain/run_state.ts";
import type { Terminal } from "../output/terminal.ts";
import type { StatusOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { clipForeign } from "../core/escape.ts";
import { clockTime } from "../core/event_text.ts";
import { agentTimeMs, type RunBudget, runSpentUsd, shownTime, usd } from "../core/budget.ts";
import { byCodeUnit } from "../core/order.ts";

/** How long `status` waits for the host before showing "lanes: host unreachable". */
export const STATUS_HOST_TIMEOUT_MS = 10_000;

/** Injectable effects of `status` (tests). */
export interface StatusDeps {
  /** Builds the host used to read lanes. @default config + createHost */
  makeHost?: (repoRoot: string, opts: StatusOptions, state: RunState, signal: AbortSignal) => Promise<Host>;
  /** @default STATUS_HOST_TIMEOUT_MS */
  hostTimeoutMs?: number;
  /** The budgets to show spend against. @default from the run's configuration file (null when unreadable) */
  budget?: (repoRoot: string, opts: StatusOptions, state: RunState) => Promise<RunBudget | null>;
}

/** Spend against budget in the status (`--json` shape); absent when no budget is set. */
export interface StatusBudget {
  per_run_usd: number | null;
  spent_usd: number;
  wps: {
    wp_id: string;
    per_wp_usd: number | null;
    per_wp_minutes: number | null;
    spent_usd: number;
    agent_ms: number;
  }[];
}

/** One WP row of the status (also the `--json` shape). */
export interface StatusWp {
  wp_id: string;
  phase: string | null;
  outcome: string | null;
  outcome_reason: string | null;
  lane: string | null;
  agent: string | null;
  attempts: number;
  review_cycles: number;
  cost_usd: number;
  last_error: string | null;
}

/** The `--json` document. */
export interface StatusReport {
  run_id: string;
  mission: string;
  actor: string;
  status: string;
  started_at: string;
  updated_at: string;
  seq: number;
  resume_count: number;
  /** The live holder of the run lock, or null when no process holds it. */
  live: LockInfo | { pid: null; run_id: null } | null;
  /** Why lanes are missing, or null when the host answered. */
  lanes_error: string | null;
  total_cost_usd: number;
  running: RunState["running"];
  /** Spend against budget, or null when no budget is set (or the configuration cannot be read). */
  budget: StatusBudget | null;
  /** Agent families cooling down from a rate limit, while a live process runs (else empty). */
  cooldowns: NonNullable<RunState["cooldowns"]>;
  wps: StatusWp[];
}

/** Runs `status` and returns the exit code (0, also when there is no run). */
export async function runStatus(opts: StatusOptions, term: Terminal, deps: StatusDeps = {}): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot);
  const mission = await selectStateMission(repoRoot, opts.mission, "status");
  const report = mission === null
    ? { state: null, warnings: [], source: null }
    : await new StateStore(repoRoot, { mission }).loadWithReport();
  for (const warning of report.warnings) term.warn(warning);
  const state = report.state;
  if (state === null || (opts.mission !== undefined && opts.mission !== state.mission)) {
    const other = opts.mission === undefined ? "" : ` for mission '${opts.mission}'`;
    if (opts.json) term.printJson({ run: null, message: `No orchestration run state found${other}.` });
    else term.line(`No orchestration run state found${other}.`);
    return ExitCode.Ok;
  }
  const held = await isLockHeld(repoRoot, state.mission);
  const info = held ? await readLockInfo(repoRoot, state.mission) : null;
  const lanes = await readLanes(repoRoot, opts, state, deps);
  const budget = await (deps.budget ?? configBudget)(repoRoot, opts, state).catch(() => null);
  const doc = buildReport(state, held ? (info ?? { pid: null, run_id: null }) : null, lanes, budget);
  if (opts.json) term.printJson(doc);
  else printHuman(doc, term);
  return ExitCode.Ok;
}

/** Lanes by WP id, or the reason they could not be read. */
type Lanes = { lanes: Map<string, string | null>; error: null } | { lanes: null; error: string };

async function readLanes(repoRoot: string, opts: StatusOptions, state: RunState, deps: StatusDeps): Promise<Lanes> {
  const controller = new AbortController();
  const ms = deps.hostTimeoutMs ?? STATUS_HOST_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${ms / 1000} s`));
    }, ms);
  });
  try {
    const work = (async () => {
      const host = await (deps.makeHost ?? defaultMakeHost)(repoRoot, opts, state, controller.signal);
      return await host.missionState(state.mission);
    })();
    work.catch(() => undefined);
    const mission = await Promise.race([work, timeout]);
    return { lanes: new Map(mission.workPackages.map((wp) => [wp.wpId, wp.lane])), error: null };
  } catch (error) {
    // Multi-line messages (config issues) are folded so the reason fits on the lanes line.
    return { lanes: null, error: clip(errorMessage(error).split("\n").map((l) => l.trim()).join(" "), 240) };
  } finally {
    clearTimeout(timer);
  }
}

async function defaultMakeHost(
  repoRoot: string,
  opts: StatusOptions,
  state: RunState,
  signal: AbortSignal,
): Promise<Host> {
  const recordedHost = state.flags.host === "builtin" || state.flags.host === "spec-kitty"
    ? state.flags.host
    : undefined;
  const config = await loadResolvedConfig(repoRoot, {
    config: opts.config ?? state.flags.config ?? undefined,
    host: opts.host ?? recordedHost,
  });
  // The run recorded its host's era: read lanes in that era's spelling (feature-state on 2.x hosts).
  const era = isEraId(state.host_era) ? state.host_era : undefined;
  return createHost(config, repoRoot, { signal, timeoutMs: STATUS_HOST_TIMEOUT_MS, ...(era ? { era } : {}) });
}

/** The budgets of the run's configuration (the file it was started with, or the one given). */
async function configBudget(repoRoot: string, opts: StatusOptions, state: RunState): Promise<RunBudget | null> {
  const config = await loadResolvedConfig(repoRoot, { config: opts.config ?? state.flags.config ?? undefined });
  return {
    perRunUsd: config.budget?.perRunUsd ?? null,
    pipelines: Object.fromEntries(
      Object.values(config.pipelines).map((p) => [p.name, p.budget ?? { perWpUsd: null, perWpMs: null }]),
    ),
  };
}

function statusBudget(state: RunState, budget: RunBudget | null): StatusBudget | null {
  if (budget === null) return null;
  const wps = Object.values(state.wps).flatMap((wp) => {
    const b = budget.pipelines[wp.pipeline];
    if (b === undefined || (b.perWpUsd === null && b.perWpMs === null)) return [];
    return [{
      wp_id: wp.wp_id,
      per_wp_usd: b.perWpUsd,
      per_wp_minutes: b.perWpMs === null ? null : b.perWpMs / 60_000,
      spent_usd: round(wp.cost_usd),
      agent_ms: agentTimeMs(wp),
    }];
  }).sort((a, b) => byCodeUnit(a.wp_id, b.wp_id));
  if (budget.perRunUsd === null && wps.length === 0) return null;
  return { per_run_usd: budget.perRunUsd, spent_usd: round(runSpentUsd(state)), wps };
}

function buildReport(
  state: RunState,
  live: StatusReport["live"],
  lanes: Lanes,
  budget: RunBudget | null = null,
): StatusReport {
  const ids = new Set(Object.keys(state.wps));
  for (const id of lanes.lanes?.keys() ?? []) ids.add(id);
  const wps = [...ids].sort().map((id) => wpRow(id, state.wps[id], lanes.lanes?.get(id) ?? null));
  return {
    run_id: state.run_id,
    mission: state.mission,
    actor: state.actor,
    status: state.status,
    started_at: state.started_at,
    updated_at: state.updated_at,
    seq: state.seq,
    resume_count: state.resume_count,
    live,
    lanes_error: lanes.error,
    budget: statusBudget(state, budget),
    total_cost_usd: round(wps.reduce((sum, wp) => sum + wp.cost_usd, 0)),
    running: state.running,
    // Only the process that waits a cooldown out keeps it; a dead run's entries mean nothing.
    cooldowns: live === null ? [] : [...(state.cooldowns ?? [])],
    wps,
  };
}

function wpRow(id: string, wp: WpRunState | undefined, lane: string | null): StatusWp {
  const last = wp?.attempts.at(-1);
  return {
    wp_id: id,
    phase: wp?.phase ?? null,
    outcome: wp?.outcome?.kind ?? null,
    outcome_reason: wp?.outcome?.reason ?? null,
    lane,
    agent: last?.agent ?? null,
    attempts: wp?.attempts.length ?? 0,
    review_cycles: wp?.review_cycles ?? 0,
    cost_usd: round(wp?.cost_usd ?? 0),
    last_error: wp?.last_error ?? null,
  };
}

function printHuman(doc: StatusReport, term: Terminal): void {
  term.line(`Run ID:   ${doc.run_id}`);
  term.line(`Mission:  ${doc.mission}`);
  term.line(`Actor:    ${doc.actor}`);
  term.line(`Status:   ${statusLine(doc)}`);
  term.line(`Started:  ${doc.started_at}`);
  term.line(`Updated:  ${doc.updated_at} (save #${doc.seq})`);
  if (doc.resume_count > 0) term.line(`Resumed:  ${doc.resume_count} time(s)`);
  if (doc.live !== null && doc.running.length > 0) {
    term.line("Agents running:");
    for (const r of doc.running) {
      term.line(`  ${r.wp_id} ${r.role} attempt ${r.attempt}: ${r.agent} (pid ${r.pid}, since ${r.started_at})`);
    }
  }
  for (const c of doc.cooldowns) {
    term.line(
      `Cooling:  ${clip(c.family, 40)} cooling down until ${clockTime(c.until)} (${c.reason}; ` +
        `last limited: ${clip(c.agent, 40)}); then one WP tries it first`,
    );
  }
  term.line("");
  const rows = doc.wps.map((wp) => [
    wp.wp_id,
    wp.outcome ?? wp.phase ?? "-",
    wp.lane ?? (doc.lanes_error === null ? "-" : "?"),
    wp.agent ?? "-",
    String(wp.attempts),
    String(wp.review_cycles),
    wp.cost_usd > 0 ? usd(wp.cost_usd) : "-",
    wp.last_error === null ? "" : firstLine(wp.last_error, 60),
  ]);
  term.line(
    rows.length === 0
      ? "No work packages recorded yet."
      : term.table(["WP", "Phase", "Lane", "Agent", "Attempts", "Reviews", "Cost", "Last error"], rows),
  );
  if (doc.total_cost_usd > 0) term.line(`Total cost: ${usd(doc.total_cost_usd)}`);
  const b = doc.budget;
  if (b !== null) {
    if (b.per_run_usd !== null) term.line(`Budget: run ${usd(b.spent_usd)} of ${usd(b.per_run_usd)} (per_run_usd)`);
    for (const w of b.wps) {
      const parts = [
        w.per_wp_usd === null ? "" : `${usd(w.spent_usd)} of ${usd(w.per_wp_usd)}`,
        w.per_wp_minutes === null ? "" : `${shownTime(w.agent_ms)} of ${w.per_wp_minutes}m agent time`,
      ].filter((p) => p !== "");
      term.line(`Budget: ${w.wp_id} ${parts.join(", ")}`);
    }
  }
  if (doc.lanes_error !== null) term.line(`lanes: host unreachable (${doc.lanes_error})`);
}

function statusLine(doc: StatusReport): string {
  if (doc.live !== null) {
    if (doc.live.pid === null) return `${doc.status} (live: a process holds the run lock)`;
    const other = doc.live.run_id === doc.run_id ? "" : `, run ${doc.live.run_id}`;
    return `${doc.status} (live: pid ${doc.live.pid} on host ${doc.live.hostname}${other}, since ${doc.live.started_at})`;
  }
  if (doc.status === "running") return "running, but no live process holds the run lock (interrupted; run `resume`)";
  return doc.status;
}

function firstLine(text: string, max: number): string {
  return clip(text.split("\n")[0] ?? "", max);
}

/** Agent and host text, escaped and cut on whole escapes (never inside one). */
function clip(text: string, max: number): string {
  return clipForeign(text, max);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
