/**
 * Scheduling decisions over plain data: which WPs to start now, which can never run in this
 * run (and why), and when the run is over. Pure; `run.ts` builds the {@link SchedulerView}
 * from host reads and our run state.
 *
 * Rules (each fixes a weakness of the reference orchestrator):
 * - work already in flight is finished before new work starts (review, then implementation,
 *   then ready planned WPs), each group in WP id order: deterministic;
 * - never two WPs of the same lane worktree at once, never more than `maxConcurrent`;
 * - a WP whose dependency can no longer succeed in this run is skipped with the reason;
 * - when nothing runs and nothing can start, every WP left gets an explicit outcome: the loop
 *   can always end (no silent stall, no infinite loop).
 *
 * @module
 */
import type { Lane } from "../domain/host.ts";
import type { WpOutcomeKind } from "../domain/run_state.ts";
import { byCodeUnit } from "./order.ts";

/** How a dispatched WP enters our lifecycle. */
export type DispatchMode =
  /** `start-implementation` (claims a planned WP, re-claims our claimed/in_progress WP). */
  | "implement"
  /** `resolve-workspace` + `start-review` for a for_review WP. */
  | "review"
  /** `resolve-workspace` and re-run the review we started (in_review, our review reference). */
  | "resume_review";

/** A WP to start now. */
export interface Dispatch {
  wpId: string;
  mode: DispatchMode;
}

/** What the scheduler knows about one WP. */
export interface WpView {
  wpId: string;
  /** Host lane (null: the host reports none, treated as planned). */
  lane: Lane | null;
  dependencies: readonly string[];
  /** Our outcome in this run, if any. */
  outcome: WpOutcomeKind | null;
  /** The review reference of a review we started, if any. */
  reviewRef: string | null;
  /** Lane id or workspace path when known: WPs with the same key share a worktree. */
  laneKey: string | null;
}

/** Input of the scheduling decisions. */
export interface SchedulerView {
  /** Every WP of the mission, in host order (sorted by id). */
  wps: readonly WpView[];
  /** WP ids with a task in flight. */
  running: ReadonlySet<string>;
  maxConcurrent: number;
  /** WP ids the host listed as ready (`list-ready`), in addition to what we compute. */
  hostReady?: ReadonlySet<string>;
  /**
   * Why no new WP may start (the run reached its budget): planned WPs are not dispatched and, once
   * nothing runs, end with this reason (their lanes stay planned). Work already started goes on.
   */
  noNewWork?: string | null;
}

/** An explicit end for a WP, decided without running it. */
export interface DecidedOutcome {
  wpId: string;
  kind: WpOutcomeKind;
  reason: string;
  /** Set when the WP was held by the run's budget ({@link SchedulerView.noNewWork}). */
  budget?: true;
}

const SATISFYING: ReadonlySet<string> = new Set(["approved", "done"]);
const NOT_STARTED: ReadonlySet<string> = new Set(["planned"]);

function laneOf(wp: WpView): string {
  return wp.lane ?? "planned";
}

/** True when every dependency of `wp` is approved or done on the host (or `hostReady` says so). */
export function isReady(view: SchedulerView, wp: WpView): boolean {
  if (!NOT_STARTED.has(laneOf(wp))) return false;
  if (view.hostReady?.has(wp.wpId)) return true;
  const byId = new Map(view.wps.map((w) => [w.wpId, w]));
  return wp.dependencies.every((d) => {
    const dep = byId.get(d);
    return dep !== undefined && SATISFYING.has(laneOf(dep));
  });
}

/** The dispatch mode for a WP without an outcome, or null when it cannot be driven now. */
export function dispatchModeFor(view: SchedulerView, wp: WpView): DispatchMode | null {
  switch (laneOf(wp)) {
    case "planned":
      return isReady(view, wp) ? "implement" : null;
    case "claimed":
    case "in_progress":
      return "implement";
    case "for_review":
      return "review";
    case "in_review":
      return wp.reviewRef !== null ? "resume_review" : null;
    default:
      return null;
  }
}

const MODE_RANK: Record<DispatchMode, number> = { resume_review: 0, review: 1, implement: 2 };

/** The WPs to start now, in order; see the module doc for the rules. */
export function nextDispatches(view: SchedulerView): Dispatch[] {
  const free = view.maxConcurrent - view.running.size;
  if (free <= 0) return [];
  const busyKeys = new Set<string>();
  for (const wp of view.wps) {
    if (view.running.has(wp.wpId) && wp.laneKey !== null) busyKeys.add(wp.laneKey);
  }
  const candidates: { wp: WpView; mode: DispatchMode; rank: number }[] = [];
  for (const wp of view.wps) {
    if (wp.outcome !== null || view.running.has(wp.wpId)) continue;
    const mode = dispatchModeFor(view, wp);
    if (mode === null) continue;
    if (view.noNewWork && mode === "implement" && laneOf(wp) === "planned") continue;
    // Planned-but-ready work ranks after work already started on the host.
    const rank = mode === "implement" && laneOf(wp) === "planned" ? 3 : MODE_RANK[mode];
    candidates.push({ wp, mode, rank });
  }
  candidates.sort((a, b) => a.rank - b.rank || byCodeUnit(a.wp.wpId, b.wp.wpId));
  const out: Dispatch[] = [];
  for (const c of candidates) {
    if (out.length >= free) break;
    if (c.wp.laneKey !== null) {
      if (busyKeys.has(c.wp.laneKey)) continue;
      busyKeys.add(c.wp.laneKey);
    }
    out.push({ wpId: c.wp.wpId, mode: c.mode });
  }
  return out;
}

/**
 * Outcomes that follow from host lanes alone, for WPs we are not running: done/approved work,
 * blocked or canceled WPs.
 */
export function laneOutcomes(view: SchedulerView): DecidedOutcome[] {
  const out: DecidedOutcome[] = [];
  for (const wp of view.wps) {
    if (wp.outcome !== null || view.running.has(wp.wpId)) continue;
    switch (wp.lane) {
      case "done":
        out.push({ wpId: wp.wpId, kind: "done", reason: "done on the host" });
        break;
      case "approved":
        out.push({ wpId: wp.wpId, kind: "approved", reason: "approved on the host (merge moves it to done)" });
        break;
      case "blocked":
        out.push({ wpId: wp.wpId, kind: "blocked", reason: "blocked on the host; move it back to in_progress" });
        break;
      case "canceled":
        out.push({ wpId: wp.wpId, kind: "skipped", reason: "canceled on the host" });
        break;
      default:
        break;
    }
  }
  return out;
}

/** True when `wp` can no longer become approved/done in this run. */
function isDeadEnd(wp: WpView, running: ReadonlySet<string>): boolean {
  if (running.has(wp.wpId)) return false;
  if (wp.outcome === "blocked" || wp.outcome === "failed" || wp.outcome === "skipped") return true;
  return wp.lane === "blocked" || wp.lane === "canceled";
}

/**
 * Not-started WPs whose dependency can no longer succeed in this run, transitively, each with
 * the reason naming the dependency.
 */
export function dependencySkips(view: SchedulerView): DecidedOutcome[] {
  const byId = new Map(view.wps.map((w) => [w.wpId, w]));
  const dead = new Map<string, string>();
  for (const wp of view.wps) if (isDeadEnd(wp, view.running)) dead.set(wp.wpId, wp.outcome ?? wp.lane ?? "?");
  const out: DecidedOutcome[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const wp of view.wps) {
      if (wp.outcome !== null || dead.has(wp.wpId) || view.running.has(wp.wpId)) continue;
      if (!NOT_STARTED.has(laneOf(wp))) continue;
      const missing = wp.dependencies.find((d) => !byId.has(d));
      const deadDep = wp.dependencies.find((d) => dead.has(d));
      let reason: string | null = null;
      if (missing !== undefined) reason = `dependency ${missing} is not a WP of this mission`;
      else if (deadDep !== undefined) reason = `dependency ${deadDep} is ${dead.get(deadDep)}`;
      if (reason === null) continue;
      out.push({ wpId: wp.wpId, kind: "skipped", reason });
      dead.set(wp.wpId, "skipped");
      changed = true;
    }
  }
  return out;
}

/** True when every WP has an outcome (the host lane of a WP we do not run is decided too). */
export function isFinished(view: SchedulerView): boolean {
  return view.running.size === 0 && view.wps.every((wp) => wp.outcome !== null);
}

/**
 * Explicit outcomes for every WP left when nothing runs and nothing can start: why each one
 * cannot be driven by this run. Call only when `nextDispatches` is empty and nothing runs.
 */
export function stallOutcomes(view: SchedulerView): DecidedOutcome[] {
  const byId = new Map(view.wps.map((w) => [w.wpId, w]));
  const out: DecidedOutcome[] = [];
  for (const wp of view.wps) {
    if (wp.outcome !== null || view.running.has(wp.wpId)) continue;
    const lane = laneOf(wp);
    let reason: string;
    if (lane === "in_review") {
      reason = "in review by someone else (this run started no review of it); finish that review, then resume";
    } else if (lane === "planned" && view.noNewWork) {
      out.push({ wpId: wp.wpId, kind: "skipped", reason: view.noNewWork, budget: true });
      continue;
    } else if (lane === "planned") {
      const waiting = wp.dependencies
        .filter((d) => !SATISFYING.has(laneOf(byId.get(d) ?? { lane: null } as WpView)))
        .map((d) => `${d} (${byId.get(d)?.lane ?? "unknown"})`);
      reason = `waiting on ${waiting.join(", ") || "dependencies"} which this run cannot move`;
    } else {
      reason = `lane ${lane} cannot be driven by this run`;
    }
    out.push({ wpId: wp.wpId, kind: "skipped", reason });
  }
  return out;
}
