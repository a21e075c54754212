/**
 * `abort`: stop the live run of this repository, record the abort, and with
 * `--cleanup-worktrees` remove what this orchestrator created (worktrees, branches, run state).
 *
 * Stopping is delegated to the run itself: it gets SIGTERM, and its handler terminates the
 * agents, saves the state and releases the lock; we wait for the lock to be released. When no
 * run is live, agents a killed run left behind are reaped (same PID-reuse checks as `resume`).
 * Cleanup touches only what the state file records as created by us, prints the plan first, and
 * never calls the host: lanes and the host's event log are left as they are.
 *
 * @module
 */
import { resolve } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import { PRODUCT } from "../domain/version.ts";
import { describeHolder, isLockHeld, readLockInfo } from "../store/lock.ts";
import { procStartTime } from "../proc/procfs.ts";
import { reapLeftovers, type ReapOptions } from "../proc/reaper.ts";
import { StateCorruptError, StateStore } from "../store/run_state.ts";
import { selectStateMission } from "../store/state_select.ts";
import type { RunState } from "../domain/run_state.ts";
import type { Terminal } from "../output/terminal.ts";
import { cleanupCreated, type CleanupResult } from "./abort_cleanup.ts";
import type { AbortOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";

/** Injectable effects and timings of `abort` (tests). */
export interface AbortDeps {
  /** How long to wait for a live run to release its lock. @default 30_000 */
  waitMs?: number;
  /** @default 250 */
  pollMs?: number;
  /** Progress line interval while waiting. @default 5_000 */
  progressMs?: number;
  /** @default Deno.kill */
  kill?: (pid: number, signal: Deno.Signal) => void;
  /** Options for reaping leftover agents. */
  reap?: ReapOptions;
  /** @default Deno.hostname() */
  hostname?: string;
}

/** The `--json` summary. */
export interface AbortReport {
  run_id: string | null;
  mission: string | null;
  /** The live run we signalled, if any. */
  stopped: { pid: number; run_id: string } | null;
  /** Lines about leftover agents. */
  reaped: string[];
  /** True when `status: "aborted"` was written. */
  recorded: boolean;
  cleanup: CleanupResult | null;
}

/** Runs `abort` and returns the exit code. */
export async function runAbort(opts: AbortOptions, term: Terminal, deps: AbortDeps = {}): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot);
  const mission = await selectStateMission(repoRoot, opts.mission, "abort");
  const store = new StateStore(repoRoot, mission === null ? {} : { mission });
  let { state, corrupt } = await loadForAbort(store, opts, term);
  const missions = state !== null ? [state.mission] : await heldMissions(repoRoot);
  if (state === null && corrupt === null && missions.length === 0) {
    if (opts.json) term.printJson({ run_id: null, message: "No active run state found." });
    else term.line("No active run state found.");
    return ExitCode.Ok;
  }
  const report: AbortReport = {
    run_id: state?.run_id ?? null,
    mission: state?.mission ?? missions[0] ?? null,
    stopped: null,
    reaped: [],
    recorded: false,
    cleanup: null,
  };
  for (const mission of missions) {
    if (await isLockHeld(repoRoot, mission)) report.stopped = await stopLiveRun(repoRoot, mission, term, deps);
  }
  if (report.stopped !== null) ({ state, corrupt } = await loadForAbort(store, opts, term));
  if (state !== null) {
    if (state.running.length > 0) {
      // Leftovers of a killed run; `running` is kept so resume records those attempts as interrupted.
      report.reaped = await reapLeftovers(state, deps.reap);
      for (const line of report.reaped) term.line(`reaped: ${line}`);
    }
    if (!opts.cleanupWorktrees && state.status !== "finished" && state.status !== "aborted") {
      state.status = "aborted";
      await store.save(state);
      report.recorded = true;
    }
  }
  if (opts.cleanupWorktrees) {
    if (corrupt !== null) {
      term.warn(
        `The run state is unreadable (${corrupt.message}), so the worktrees and branches it created are unknown; ` +
          "only the state files are removed. Check `git worktree list` and `git branch` by hand.",
      );
    }
    report.cleanup = await cleanupCreated(repoRoot, state?.created ?? { worktrees: [], branches: [] }, store, {
      showPlan: !opts.yes,
      term,
    });
  }
  if (opts.json) term.printJson(report);
  else printOutcome(report, store.path, term);
  return report.cleanup !== null && report.cleanup.failed.length > 0 ? ExitCode.RunFailed : ExitCode.Ok;
}

async function loadForAbort(
  store: StateStore,
  opts: AbortOptions,
  term: Terminal,
): Promise<{ state: RunState | null; corrupt: StateCorruptError | null }> {
  try {
    const report = await store.loadWithReport();
    for (const warning of report.warnings) term.warn(warning);
    return { state: report.state, corrupt: null };
  } catch (error) {
    // Cleanup is the documented way out of a corrupt state, so it must not be blocked by it.
    if (error instanceof StateCorruptError && opts.cleanupWorktrees) return { state: null, corrupt: error };
    throw error;
  }
}

/** Missions whose lock a live process holds (used when there is no state file to name one). */
async function heldMissions(repoRoot: string): Promise<string[]> {
  const held: string[] = [];
  try {
    for await (const entry of Deno.readDir(resolve(repoRoot, ".kittify", "locks"))) {
      const mission = entry.name.endsWith(".lock") ? entry.name.slice(0, -".lock".length) : null;
      if (mission !== null && await isLockHeld(repoRoot, mission).catch(() => false)) held.push(mission);
    }
  } catch {
    // No locks directory: nothing is running.
  }
  return held.sort();
}

/** Sends SIGTERM to the live run of `mission` and waits until it releases the lock. */
async function stopLiveRun(
  repoRoot: string,
  mission: string,
  term: Terminal,
  deps: AbortDeps,
): Promise<{ pid: number; run_id: string }> {
  const info = await readLockInfo(repoRoot, mission);
  const ourHost = deps.hostname ?? Deno.hostname();
  if (info === null) {
    throw new UserError(
      `Cannot abort the live run of mission '${mission}' as its lock info must name its process: ` +
        "the lock is held but the info file is missing (the run may be starting)",
      { exitCode: ExitCode.RunFailed, fix: "Retry in a few seconds." },
    );
  }
  if (info.hostname !== ourHost) {
    throw new UserError(
      `Cannot abort ${describeHolder(info)} as it must run on this host (${ourHost}) to be signalled`,
      { exitCode: ExitCode.RunFailed, fix: `Run '${PRODUCT} abort' on ${info.hostname}.` },
    );
  }
  const start = await procStartTime(info.pid);
  if (start !== null && info.proc_start_time !== null && start !== info.proc_start_time) {
    throw new UserError(
      `Cannot signal pid ${info.pid} as it must be the process that took the lock: its start time differs`,
      { exitCode: ExitCode.RunFailed, fix: "Find the orchestrator process with `ps` and stop it with `kill -TERM`." },
    );
  }
  (deps.kill ?? ((pid, sig) => Deno.kill(pid, sig)))(info.pid, "SIGTERM");
  const waitMs = deps.waitMs ?? 30_000;
  term.line(
    `Sent SIGTERM to ${describeHolder(info)}; waiting up to ${Math.round(waitMs / 1000)} s for it to stop its ` +
      "agents, save its state and release the lock...",
  );
  const started = performance.now();
  let nextProgress = deps.progressMs ?? 5_000;
  while (await isLockHeld(repoRoot, mission)) {
    const elapsed = performance.now() - started;
    if (elapsed >= waitMs) {
      throw new UserError(
        `Cannot confirm the abort as run ${info.run_id} (pid ${info.pid}) must release its lock within ` +
          `${Math.round(waitMs / 1000)} s: it still holds it`,
        {
          exitCode: ExitCode.RunFailed,
          fix: `Wait and run '${PRODUCT} abort' again, or force it with 'kill -KILL ${info.pid}' ` +
            `(its agents are then reaped by the next '${PRODUCT} abort' or 'resume').`,
        },
      );
    }
    if (elapsed >= nextProgress) {
      term.line(`  still waiting for pid ${info.pid} (${Math.round(elapsed / 1000)} s)...`);
      nextProgress += deps.progressMs ?? 5_000;
    }
    await new Promise((r) => setTimeout(r, deps.pollMs ?? 250));
  }
  term.line(`Run ${info.run_id} stopped and released its lock.`);
  return { pid: info.pid, run_id: info.run_id };
}

function printOutcome(report: AbortReport, statePath: string, term: Terminal): void {
  if (report.recorded) {
    term.line(`Abort recorded for run ${report.run_id}; run state kept at ${statePath}.`);
    term.line(
      `WPs stay in their host lanes. '${PRODUCT} resume' continues this run; ` +
        "add --cleanup-worktrees to remove its worktrees, branches and state instead.",
    );
  } else if (report.cleanup === null && report.stopped === null) {
    term.line(`Run ${report.run_id ?? "?"} is not live and already ${report.run_id === null ? "gone" : "ended"}.`);
  }
  const cleanup = report.cleanup;
  if (cleanup === null) return;
  if (cleanup.failed.length === 0) {
    term.line("Cleanup done. WPs stay in their host lanes (abort never rewrites the host's event log).");
  } else {
    term.error(`Cleanup incomplete: ${cleanup.failed.length} item(s) could not be removed; the run state is kept.`);
    for (const f of cleanup.failed) term.line(`  ${f.item}: ${f.error}`);
  }
}
