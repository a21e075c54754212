/**
 * The engine's main loop: event-driven, not polling.
 *
 * Reads `mission-state` and `list-ready` once at start (at the same time), dispatches up to
 * `maxConcurrent` WP tasks, then sleeps until a task settles, a background read completes, a slow
 * heartbeat fires (outside changes), or the run is interrupted. After a task settles, the WPs it
 * made ready are dispatched at once from the local lane view (our own moves are in it); a
 * `mission-state` re-read for outside changes runs in the background, never in front of that
 * dispatch. A start the host refuses with DEPENDENCIES_NOT_SATISFIED waits for a fresh read and
 * is tried again. The loop always ends: when nothing runs and nothing can start, every WP left
 * gets an explicit outcome.
 *
 * @module
 */
import { ConfigError, errorMessage } from "../domain/errors.ts";
import { HostError } from "../domain/host_errors.ts";
import type { MissionState, ReadyList } from "../domain/host.ts";
import type { RunSummary } from "../domain/run_events.ts";
import {
  EngineContext,
  type EngineDeps,
  type EngineOptions,
  InterruptedError,
  isFatalHostError,
  RunFatalError,
} from "./context.ts";
import {
  type DecidedOutcome,
  dependencySkips,
  isFinished,
  laneOutcomes,
  nextDispatches,
  type SchedulerView,
  stallOutcomes,
} from "../core/decide.ts";
import type { RunState } from "../domain/run_state.ts";
import { buildSummary } from "../core/summary.ts";
import { runBudgetStop } from "../core/budget.ts";
import { runWpTask } from "./wp_task.ts";

/** Refusals with DEPENDENCIES_NOT_SATISFIED after which a WP fails instead of waiting again. */
const MAX_DEFERRALS = 3;

/** Settings of a whole run (engine options plus end-of-run behaviour). */
export interface RunOptions extends EngineOptions {
  /** Call `accept-mission` when every WP is done or approved. */
  accept: boolean;
  /** The merge command shown in the next steps. */
  mergeCommand: string;
}

/** How a run ended. */
export interface RunOutcome {
  summary: RunSummary;
  exitCode: number;
}

/** One run of the engine over a prepared state. */
export class Engine {
  readonly ctx: EngineContext;
  readonly #opts: RunOptions;
  #wake: (() => void) | null = null;

  /** @throws {ConfigError} when `opts.maxConcurrent` is not a positive integer (the loop could never start). */
  constructor(deps: EngineDeps, opts: RunOptions, state: RunState) {
    if (!Number.isSafeInteger(opts.maxConcurrent) || opts.maxConcurrent < 1) {
      throw new ConfigError(
        `Cannot run as 'max_concurrent' must be a positive integer: current value is ${opts.maxConcurrent}`,
        { fix: "Set max_concurrent (or --max-concurrent) to 1 or more." },
      );
    }
    this.ctx = new EngineContext(deps, opts, state);
    this.#opts = opts;
  }

  /** Stops dispatching, terminates running agents; `run()` then resolves as interrupted. */
  interrupt(signal: "SIGINT" | "SIGTERM"): void {
    if (this.ctx.interruptedBy === null) this.ctx.interruptedBy = signal;
    if (!this.ctx.signal.aborted) this.ctx.controller.abort(new InterruptedError(`interrupted by ${signal}`));
    void this.ctx.deps.runner.terminateAll().catch(() => {});
    this.#wake?.();
  }

  /**
   * Runs to the end and returns the summary (never rejects for WP-level problems). `initial` is a
   * `mission-state` the caller just read and `ready` its `list-ready` (each saves a host call;
   * what is not given is read here, both reads at once).
   */
  async run(initial?: MissionState, ready?: ReadyList): Promise<RunOutcome> {
    const { ctx } = this;
    const { state } = ctx;
    state.status = "running";
    ctx.emit({
      type: "run_started",
      mission: state.mission,
      actor: state.actor,
      resumed: this.#opts.resumed,
      max_concurrent: this.#opts.maxConcurrent,
      host: this.#opts.hostLabel,
    });
    const tasks = new Map<string, Promise<void>>();
    try {
      await ctx.save();
      await this.#initialRead(initial, ready);
      await this.#loop(tasks);
    } catch (error) {
      if (!(error instanceof InterruptedError)) {
        ctx.fail(error instanceof RunFatalError ? error : new RunFatalError(errorMessage(error), { cause: error }));
      }
    }
    if (ctx.signal.aborted) {
      await ctx.deps.runner.terminateAll().catch(() => {});
      await Promise.allSettled([...tasks.values()]);
    }
    return await this.#finish();
  }

  async #initialRead(initial: MissionState | undefined, ready: ReadyList | undefined): Promise<void> {
    const { ctx } = this;
    if (initial !== undefined) ctx.applyMissionState(initial);
    // Both reads at once: readiness is also computed from the lanes, list-ready only adds to it.
    const [ms, listed] = await Promise.allSettled([
      initial ?? ctx.refresh(),
      ready ?? ctx.deps.host.listReady(ctx.state.mission),
    ]);
    if (ms.status === "rejected") {
      throw new RunFatalError(`Cannot read the mission state: ${errorMessage(ms.reason)}`, { cause: ms.reason });
    }
    for (const wp of ms.value.workPackages) ctx.wp(wp.wpId);
    if (listed.status === "fulfilled") {
      this.#hostReady = new Set(listed.value.readyWorkPackages.map((r) => r.wpId));
    } else {
      if (isFatalHostError(listed.reason)) throw listed.reason;
      ctx.emit({
        type: "warning",
        message: `list-ready failed; readiness is computed locally: ${errorMessage(listed.reason)}`,
      });
    }
    await ctx.save();
  }

  #hostReady: Set<string> | undefined = undefined;

  /** The scheduler's view of the current lanes and our state. */
  view(running: ReadonlySet<string>): SchedulerView {
    const { ctx } = this;
    const hints = ctx.deps.laneHints;
    const ids = [...ctx.lanes.keys()].sort();
    return {
      running,
      maxConcurrent: this.#opts.maxConcurrent,
      hostReady: this.#hostReady,
      // Over the run's budget no new WP starts (decide.ts); what already started goes on.
      noNewWork: runBudgetStop(this.#opts.budget, ctx.state)?.reason ?? null,
      wps: ids.map((id) => {
        const wp = ctx.state.wps[id];
        return {
          wpId: id,
          lane: ctx.lanes.get(id) ?? null,
          dependencies: ctx.dependencies.get(id) ?? [],
          outcome: wp?.outcome?.kind ?? null,
          reviewRef: wp?.review_ref ?? null,
          laneKey: wp?.lane_id ?? hints?.get(id) ?? null,
        };
      }),
    };
  }

  #apply(decided: DecidedOutcome[]): boolean {
    for (const d of decided) {
      const stop = d.budget ? runBudgetStop(this.#opts.budget, this.ctx.state) : null;
      if (stop !== null) {
        // Typed, so the next steps name the limit to raise (the lane stays planned).
        this.ctx.wp(d.wpId).stop_cause = {
          kind: "budget",
          limit: stop.limit,
          value: stop.value,
          spent: stop.spent,
          message: stop.reason,
        };
      }
      this.ctx.finish(d.wpId, d.kind, d.reason);
    }
    return decided.length > 0;
  }

  async #loop(tasks: Map<string, Promise<void>>): Promise<void> {
    const { ctx } = this;
    let refreshedForStall = false;
    let readAfter: "heartbeat" | "settled" | null = null;
    while (true) {
      if (!ctx.signal.aborted) {
        const running = new Set(tasks.keys());
        let changed = this.#apply(laneOutcomes(this.view(running)));
        changed = this.#apply(dependencySkips(this.view(running))) || changed;
        if (changed || this.#dirty) {
          this.#dirty = false;
          await ctx.save();
        }
        const overRun = runBudgetStop(this.#opts.budget, ctx.state);
        if (overRun !== null && !this.#budgetWarned) {
          this.#budgetWarned = true;
          ctx.emit({ type: "warning", message: `${overRun.reason}; WPs already started go on within their budget` });
        }
        // Dispatch from the local lane view first: our own moves (a dependency we just took to
        // done) are already in it, so a dependent starts without waiting for a host read.
        const blocked = new Set([...tasks.keys(), ...this.#held.keys()]);
        for (const d of nextDispatches(this.view(blocked))) {
          refreshedForStall = false;
          blocked.add(d.wpId);
          const task = runWpTask(ctx, d).then((end) => {
            if (end === "deferred") this.#defer(d.wpId);
          }).finally(() => {
            tasks.delete(d.wpId);
            this.#notify("settled");
          });
          tasks.set(d.wpId, task);
        }
        // Outside changes (another actor, a hand edit) are picked up by a read in the background:
        // on the heartbeat, and after a task settled when a free slot could take what it shows.
        const slotFree = tasks.size < this.#opts.maxConcurrent;
        if (readAfter !== null && (readAfter === "heartbeat" || slotFree) && this.#someoneWaiting(tasks)) {
          this.#readInBackground();
        }
      }
      readAfter = null;
      if (tasks.size === 0) {
        if (ctx.signal.aborted) return;
        if (isFinished(this.view(new Set()))) return;
        if (this.#reading !== null) {
          await this.#reading;
          continue;
        }
        if (!refreshedForStall) {
          // One fresh look before declaring what cannot run: someone may have moved a WP.
          refreshedForStall = true;
          await this.#safeRefresh();
          continue;
        }
        this.#apply(stallOutcomes(this.view(new Set())));
        await ctx.save();
        return;
      }
      const reason = await this.#sleep();
      if (ctx.signal.aborted) continue;
      readAfter = reason === "heartbeat" || reason === "settled" ? reason : null;
    }
  }

  /** Set when an outcome was given outside the loop's own decisions (the loop saves it). */
  #dirty = false;
  /** The run-budget warning is emitted once. */
  #budgetWarned = false;
  /** WP id → engine read count when its start was deferred: held until a later read completes. */
  readonly #held = new Map<string, number>();
  readonly #deferrals = new Map<string, number>();
  #reads = 0;
  #reading: Promise<void> | null = null;
  #pendingSettled = false;
  #pendingRead = false;

  /**
   * The host refused to start `wpId` (DEPENDENCIES_NOT_SATISFIED): hold it until a fresh read
   * corrects our view; after {@link MAX_DEFERRALS} refusals the WP fails (the host and its own
   * mission state disagree, and retrying for ever would never end the run).
   */
  #defer(wpId: string): void {
    const n = (this.#deferrals.get(wpId) ?? 0) + 1;
    this.#deferrals.set(wpId, n);
    if (n >= MAX_DEFERRALS) {
      this.ctx.finish(
        wpId,
        "failed",
        `host start-implementation refused ${n} times with DEPENDENCIES_NOT_SATISFIED although mission-state ` +
          `shows its dependencies approved or done; check the dependencies of ${wpId} on the host`,
      );
      this.#dirty = true;
      return;
    }
    this.#held.set(wpId, this.#reads);
  }

  #notify(kind: "settled" | "read"): void {
    if (kind === "settled") this.#pendingSettled = true;
    else this.#pendingRead = true;
    this.#wake?.();
  }

  /** True when a WP without an outcome is not running: a fresh read may let it start. */
  #someoneWaiting(tasks: Map<string, Promise<void>>): boolean {
    return [...this.ctx.lanes.keys()].some((id) =>
      !tasks.has(id) && (this.ctx.state.wps[id]?.outcome ?? null) === null
    );
  }

  /** Starts a `mission-state` read unless one is running; the loop wakes when it completes. */
  #readInBackground(): void {
    if (this.#reading !== null) return;
    this.#reading = this.#safeRefresh().finally(() => {
      this.#reading = null;
      this.#notify("read");
    });
  }

  #sleep(): Promise<"settled" | "read" | "heartbeat" | "abort"> {
    const { ctx } = this;
    return new Promise((resolve) => {
      const hb = new AbortController();
      const done = (why: "settled" | "read" | "heartbeat" | "abort") => {
        this.#wake = null;
        hb.abort();
        resolve(why);
      };
      const take = (): boolean => {
        if (!this.#pendingSettled && !this.#pendingRead) return false;
        // A settled task matters more than a completed read: the read's lanes are applied anyway.
        const why = this.#pendingSettled ? "settled" : "read";
        this.#pendingSettled = false;
        this.#pendingRead = false;
        done(why);
        return true;
      };
      if (take()) return;
      this.#wake = () => {
        if (!take() && ctx.signal.aborted) done("abort");
      };
      // Once stopping, only a settling task (or nothing) wakes us: never spin while agents wind
      // down. A read in flight wakes us itself, so no heartbeat is armed meanwhile.
      if (this.#opts.heartbeatMs > 0 && !ctx.signal.aborted && this.#reading === null) {
        ctx.deps.clock.sleep(this.#opts.heartbeatMs, hb.signal).then(() => done("heartbeat"), () => {});
      }
    });
  }

  async #safeRefresh(): Promise<void> {
    const n = ++this.#reads;
    try {
      // A held WP needs a read sent after its refusal, not one already in flight.
      await this.ctx.refresh({ fresh: this.#held.size > 0 });
      // list-ready was a snapshot of the start; from now on readiness follows the fresh lanes.
      this.#hostReady = undefined;
      for (const [id, at] of this.#held) if (at < n) this.#held.delete(id);
    } catch (error) {
      if (isFatalHostError(error)) {
        this.ctx.fail(new RunFatalError(errorMessage(error), { cause: error }));
        return;
      }
      this.ctx.emit({ type: "warning", message: `mission-state re-read failed (continuing): ${errorMessage(error)}` });
    }
  }

  async #finish(): Promise<RunOutcome> {
    const { ctx } = this;
    const { state } = ctx;
    // No host call outlives the run: a background read and history notes end first.
    await this.#reading;
    await ctx.flushHistory();
    let acceptance: { ok: boolean; detail: string } | null = null;
    const allGood = Object.values(state.wps).every((w) => w.outcome?.kind === "done" || w.outcome?.kind === "approved");
    if (this.#opts.accept && ctx.fatal === null && ctx.interruptedBy === null && allGood) {
      try {
        const r = await ctx.deps.host.acceptMission({ mission: state.mission, actor: state.actor });
        acceptance = { ok: true, detail: `mission accepted at ${r.acceptedAt} (${r.acceptedWps.length} WPs)` };
      } catch (error) {
        const code = error instanceof HostError ? ` (${error.shownCode})` : "";
        acceptance = { ok: false, detail: `accept-mission failed${code}: ${errorMessage(error)}` };
      }
    }
    const summary = buildSummary({
      state,
      lanes: ctx.lanes,
      finishedAt: ctx.deps.clock.now().toISOString(),
      hostCalls: ctx.deps.host.callCounts(),
      ...(state.host_era === undefined || state.host_era === null ? {} : { hostEra: state.host_era }),
      ...(ctx.deps.host.forcedTransitions === undefined
        ? {}
        : { forcedTransitions: ctx.deps.host.forcedTransitions() }),
      interruptedBy: ctx.interruptedBy,
      fatal: ctx.fatal === null ? null : errorMessage(ctx.fatal),
      mergeCommand: this.#opts.mergeCommand,
      ...(this.#opts.budget === undefined ? {} : { budget: this.#opts.budget }),
      acceptance: acceptance === null
        ? null
        : acceptance.ok
        ? { ok: true, detail: acceptance.detail }
        : { ok: false, detail: acceptance.detail },
    });
    const writes = ctx.deps.store.stats?.();
    if (writes !== undefined) summary.state_writes = writes;
    state.status = summary.status === "interrupted"
      ? "interrupted"
      : summary.status === "failed"
      ? "failed"
      : "finished";
    await ctx.save().catch(() => {});
    ctx.emit({ type: "run_finished", exit_code: summary.exit_code, status: summary.status, summary });
    return { summary, exitCode: summary.exit_code };
  }
}
