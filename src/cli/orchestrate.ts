/**
 * `orchestrate`: drive a mission from planned to done.
 *
 * Order matters (weakness 14 of the reference): config → host contract and the mission exists
 * (read at once, the contract verdict first) → policy → (dry run stops here) → lock → look at any
 * previous run state → new state → engine.
 *
 * An unfinished run of the mission (killed, interrupted, aborted, or finished with WPs left that
 * are not done) is continued, not refused: the guide's plain command, often a cron line, must
 * recover after a reboot, and re-running it after fixing an agent's configuration must retry the
 * WPs that blocked on it. Continuing is `resume` with the flags of this command applied from now on. `--fresh` archives it instead (saving any
 * uncommitted work the dead run left in its worktrees on a rescue branch first, see `rescue.ts`).
 *
 * @module
 */
import { resolve } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import { planDryRun, printDryRun } from "../app/dry_run.ts";
import { acquireLock, isLockHeld } from "../store/lock.ts";
import { reapLeftovers } from "../proc/reaper.ts";
import { rescueDirtyWorktrees } from "../app/rescue.ts";
import { agentInstalled, executeRun, openSession, preflightAgents } from "../app/session.ts";
import { newRunId, newRunState } from "../core/new_run_state.ts";
import { StateCorruptError, StateStore } from "../store/run_state.ts";
import { pipelineFor } from "../config/mod.ts";
import { wpTags } from "../core/wp_facts.ts";
import type { RunState } from "../domain/run_state.ts";
import type { Terminal } from "../output/terminal.ts";
import type { OrchestrateOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { runResume } from "./resume.ts";
import { listRunStateFiles } from "../store/state_select.ts";

/**
 * True when `mission` has a run to continue: one that did not finish (a damaged file counts:
 * resume reports it), or one that finished leaving WPs not done or approved (failed, skipped,
 * blocked: continuing retries what can be retried and keeps the counters; see `resume.ts`).
 */
async function hasRunToContinue(repoRoot: string, mission: string, term: Terminal): Promise<boolean> {
  const file = (await listRunStateFiles(repoRoot)).find((f) => f.mission === mission);
  if (file === undefined) return false;
  if (file.status !== "finished") return true;
  const state = await new StateStore(repoRoot, { mission, onWarning: (m) => term.warn(m) }).load();
  return state !== null && leftWork(state).length > 0;
}

/** The WPs a finished run left neither done nor approved, in id order. */
export function leftWork(state: RunState): string[] {
  return Object.values(state.wps)
    .filter((wp) => wp.outcome?.kind !== "done" && wp.outcome?.kind !== "approved")
    .map((wp) => wp.wp_id)
    .sort();
}

/**
 * Refuses flags that contradict each other instead of letting one silently win.
 *
 * @throws {UserError} (exit 2) for `--fresh` with `--continue`.
 */
export function checkOrchestrateFlags(opts: OrchestrateOptions): void {
  if (opts.fresh && opts.continue) {
    throw new UserError(
      "Cannot run 'orchestrate' as '--fresh' (archive the unfinished run and start over) and '--continue' " +
        "(continue it) contradict each other: both were given",
      {
        exitCode: ExitCode.Usage,
        fix: "Pass one of them; without either, an unfinished run of the mission is continued.",
      },
    );
  }
}

/** The one-line notice printed when the plain command continues a run. */
export function continueNotice(run: RunState): string {
  const how = run.status === "finished" ? `finished with ${leftWork(run).join(", ")} not done` : `status ${run.status}`;
  return `Continuing the unfinished run ${run.run_id} of mission '${run.mission}' (${how}, started ` +
    `${run.started_at}); flags given now apply from here on; pass --fresh to archive it and start over.`;
}

/** Runs `orchestrate` and returns the exit code. */
export async function runOrchestrate(
  opts: OrchestrateOptions,
  term: Terminal,
  cwd: string = Deno.cwd(),
): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot, cwd);
  checkOrchestrateFlags(opts);
  if (!opts.fresh && !opts.dryRun && await hasRunToContinue(repoRoot, opts.mission, term)) {
    // The guide's plain command continues this mission's unfinished run (reap, adopt, keep counters).
    const store = new StateStore(repoRoot, { mission: opts.mission, onWarning: (m) => term.warn(m) });
    const previous = await store.load();
    if (previous !== null && !(await isLockHeld(repoRoot, opts.mission))) term.line(continueNotice(previous));
    return await runResume(
      {
        mission: opts.mission,
        actor: opts.actor,
        caffeinate: opts.caffeinate,
        implAgent: opts.implAgent,
        reviewAgent: opts.reviewAgent,
        maxConcurrent: opts.maxConcurrent,
        pipeline: opts.pipeline,
        host: opts.host,
        accept: opts.accept,
        config: opts.config,
        repoRoot: opts.repoRoot,
        json: opts.json,
        retryBlocked: opts.retryBlocked,
      },
      term,
      cwd,
    );
  }
  const configPath = opts.config === undefined ? undefined : resolve(cwd, opts.config);
  const session = await openSession(
    repoRoot,
    {
      config: configPath,
      implAgent: opts.implAgent,
      reviewAgent: opts.reviewAgent,
      maxConcurrent: opts.maxConcurrent,
      pipeline: opts.pipeline,
      host: opts.host,
      actor: opts.actor,
      accept: opts.accept || undefined,
    },
    cwd,
    { mission: opts.mission, listReady: !opts.dryRun },
  );
  const { config, host } = session;
  const mission = opts.mission;

  if (opts.dryRun) {
    if (!opts.fresh && await hasRunToContinue(repoRoot, mission, term)) {
      term.line(
        `An unfinished run of mission '${mission}' exists: a real run would continue it (--fresh starts over).`,
      );
    }
    const plan = await planDryRun({
      host,
      mission,
      contract: session.contract,
      policy: session.policy,
      maxConcurrent: config.maxConcurrent,
      pipelineFor: (wpId, markdown) => pipelineFor(config, { wpId, tags: wpTags(markdown) }),
      readText: (path) => Deno.readTextFile(path),
      agentInstalled: (id) => agentInstalled(id, config),
    });
    printDryRun(plan, term);
    return plan.problems.length === 0 ? ExitCode.Ok : ExitCode.Usage;
  }

  await preflightAgents(session.config, (m) => term.warn(m));
  const runId = newRunId();
  const lock = await acquireLock(repoRoot, mission, runId);
  try {
    const store = new StateStore(repoRoot, { mission, onWarning: (m) => term.warn(m) });
    let previous;
    try {
      previous = await store.load();
    } catch (error) {
      // --fresh is an explicit request to start over: a damaged state is moved aside, never reused.
      if (!(opts.fresh && error instanceof StateCorruptError)) throw error;
      const archived = await store.archive(`corrupt-${runId}`);
      term.warn(`The run state was unreadable; moved it to ${archived} and starting fresh.`);
      previous = null;
    }
    if (previous !== null) {
      const unfinished = previous.status !== "finished";
      if (previous.mission !== mission && await isLockHeld(repoRoot, previous.mission)) {
        throw new UserError(
          `Cannot start mission '${mission}' as the run state belongs to a live run of mission ` +
            `'${previous.mission}' (run ${previous.run_id})`,
          { exitCode: ExitCode.Locked, fix: "Wait for that run to finish, or stop it with `abort`." },
        );
      }
      for (const line of await reapLeftovers(previous)) {
        term.warn(`leftover agent from run ${previous.run_id}: ${line}`);
      }
      if (opts.fresh) {
        // Starting over: the old run's agents are gone now; what they (or a failed commit) left
        // uncommitted would make the host refuse to re-allocate the lane (LANE_ALLOCATION_FAILED).
        // Save it on a rescue branch, never drop it.
        for (const r of await rescueDirtyWorktrees(repoRoot, previous)) {
          if (r.ok) {
            term.warn(
              `${r.wpId}: saved the uncommitted changes run ${previous.run_id} left in ${r.worktree} on branch ` +
                `${r.branch} (${r.commit.slice(0, 12)}) and cleaned the worktree; restore them with ` +
                `\`git -C ${r.worktree} cherry-pick --no-commit ${r.branch}\``,
            );
          } else {
            throw new UserError(`Cannot start over as ${r.message}`, {
              exitCode: ExitCode.RunFailed,
              fix: `Commit or stash the changes in ${r.worktree} yourself, then run the command again.`,
            });
          }
        }
      }
      const archived = await store.archive(`${unfinished ? "fresh" : "prev"}-${previous.run_id}`);
      term.line(`Archived the previous run state to ${archived}`);
    }
    const state = newRunState({
      runId,
      mission,
      actor: config.actor,
      policy: session.policy,
      flags: {
        impl_agent: opts.implAgent ?? null,
        review_agent: opts.reviewAgent ?? null,
        max_concurrent: opts.maxConcurrent ?? null,
        pipeline: opts.pipeline ?? null,
        host: opts.host ?? null,
        config: configPath ?? null,
      },
    });
    return await executeRun({
      session,
      state,
      store,
      lock,
      term,
      resumed: false,
      caffeinate: opts.caffeinate,
      accept: config.accept,
      maxConcurrent: config.maxConcurrent,
      missionState: session.missionState,
      ready: session.ready,
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
