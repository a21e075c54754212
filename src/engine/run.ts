/**
 * The engine's main loop: event-driven, not polling.
 *
 * Reads `mission-state` and `list-ready` once at start, dispatches up to `maxConcurrent` WP
 * tasks, then sleeps until a task settles (one coalesced `mission-state` re-read serves every
 * task that settled meanwhile, and only when some WP is still waiting), a slow heartbeat fires
 * (outside changes), or the run is interrupted. The loop always ends: when nothing runs and
 * nothing can start, every WP left gets an explicit outcome.
 *
 * @module
 */
import { ConfigError, errorMessage } from "../errors.ts";
import { HostError } from "../host/errors.ts";
import type { MissionState } from "../host/types.ts";
import type { RunSummary } from "../run/types.ts";
import { type EngineDeps, type EngineOptions, InterruptedError, isFatalHostError, RunFatalError } from "./context.ts";
import { EngineContext } from "./context.ts";
import {
  type DecidedOutcome,
  dependencySkips,
  isFinished,
  laneOutcomes,
  nextDispatches,
  type SchedulerView,
  stallOutcomes,
} from "./decide.ts";
import type { RunState } from "./state_types.ts";
import { buildSummary } from "./summary.ts";
import { runWpTask } from "./wp_task.ts";

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
   * `mission-state` the caller just read (saves one host call).
   */
  async run(initial?: MissionState): Promise<RunOutcome> {
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
      await this.#initialRead(initial);
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

  async #initialRead(initial: MissionState | undefined): Promise<void> {
    const { ctx } = this;
    let ms = initial;
    if (ms !== undefined) ctx.applyMissionState(ms);
    try {
      ms ??= await ctx.refresh();
    } catch (error) {
      throw new RunFatalError(`Cannot read the mission state: ${errorMessage(error)}`, { cause: error });
    }
    for (const wp of ms.workPackages) ctx.wp(wp.wpId);
    try {
      const ready = await ctx.deps.host.listReady(ctx.state.mission);
      this.#hostReady = new Set(ready.readyWorkPackages.map((r) => r.wpId));
    } catch (error) {
      if (isFatalHostError(error)) throw error;
      ctx.emit({
        type: "warning",
        message: `list-ready failed; readiness is computed locally: ${errorMessage(error)}`,
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
    for (const d of decided) this.ctx.finish(d.wpId, d.kind, d.reason);
    return decided.length > 0;
  }

  async #loop(tasks: Map<string, Promise<void>>): Promise<void> {
    const { ctx } = this;
    let settled = 0;
    let refreshedForStall = false;
    while (true) {
      if (!ctx.signal.aborted) {
        const running = new Set(tasks.keys());
        let changed = this.#apply(laneOutcomes(this.view(running)));
        changed = this.#apply(dependencySkips(this.view(running))) || changed;
        if (changed) await ctx.save();
        for (const d of nextDispatches(this.view(new Set(tasks.keys())))) {
          refreshedForStall = false;
          const task = runWpTask(ctx, d).finally(() => {
            tasks.delete(d.wpId);
            settled++;
            this.#wake?.();
          });
          tasks.set(d.wpId, task);
        }
      }
      if (tasks.size === 0) {
        if (ctx.signal.aborted) return;
        if (isFinished(this.view(new Set()))) return;
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
      const reason = await this.#sleep(settled);
      settled = 0;
      if (ctx.signal.aborted) continue;
      if (reason === "heartbeat" || (reason === "settled" && this.#someoneWaiting(tasks))) {
        await this.#safeRefresh();
      }
    }
  }

  /** True when a WP without an outcome is not running: a fresh read may let it start. */
  #someoneWaiting(tasks: Map<string, Promise<void>>): boolean {
    return [...this.ctx.lanes.keys()].some((id) =>
      !tasks.has(id) && (this.ctx.state.wps[id]?.outcome ?? null) === null
    );
  }

  #sleep(settledBefore: number): Promise<"settled" | "heartbeat" | "abort"> {
    const { ctx } = this;
    return new Promise((resolve) => {
      const hb = new AbortController();
      const done = (why: "settled" | "heartbeat" | "abort") => {
        this.#wake = null;
        hb.abort();
        resolve(why);
      };
      this.#wake = () => done(ctx.signal.aborted ? "abort" : "settled");
      if (settledBefore > 0) return done("settled");
      // Once stopping, only a settling task (or nothing) wakes us: never spin while agents wind down.
      if (this.#opts.heartbeatMs > 0 && !ctx.signal.aborted) {
        ctx.deps.clock.sleep(this.#opts.heartbeatMs, hb.signal).then(() => done("heartbeat"), () => {});
      }
    });
  }

  async #safeRefresh(): Promise<void> {
    try {
      await this.ctx.refresh();
      // list-ready was a snapshot of the start; from now on readiness follows the fresh lanes.
      this.#hostReady = undefined;
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
    let acceptance: { ok: boolean; detail: string } | null = null;
    const allGood = Object.values(state.wps).every((w) => w.outcome?.kind === "done" || w.outcome?.kind === "approved");
    if (this.#opts.accept && ctx.fatal === null && ctx.interruptedBy === null && allGood) {
      try {
        const r = await ctx.deps.host.acceptMission({ mission: state.mission, actor: state.actor });
        acceptance = { ok: true, detail: `mission accepted at ${r.acceptedAt} (${r.acceptedWps.length} WPs)` };
      } catch (error) {
        const code = error instanceof HostError ? ` (${error.code})` : "";
        acceptance = { ok: false, detail: `accept-mission failed${code}: ${errorMessage(error)}` };
      }
    }
    const summary = buildSummary({
      state,
      lanes: ctx.lanes,
      finishedAt: ctx.deps.clock.now().toISOString(),
      hostCalls: ctx.deps.host.callCounts(),
      interruptedBy: ctx.interruptedBy,
      fatal: ctx.fatal === null ? null : errorMessage(ctx.fatal),
      mergeCommand: this.#opts.mergeCommand,
      acceptance: acceptance === null
        ? null
        : acceptance.ok
        ? { ok: true, detail: acceptance.detail }
        : { ok: false, detail: acceptance.detail },
    });
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
