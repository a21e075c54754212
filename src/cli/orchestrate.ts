/**
 * `orchestrate`: drive a mission from planned to done.
 *
 * Order matters (weakness 14 of the reference): config → host contract and the mission exists
 * (read at once, the contract verdict first) → policy → (dry run stops here) → lock → look at any
 * previous run state (refuse an unfinished one unless `--fresh`, which archives it) → new state →
 * engine.
 *
 * @module
 */
import { resolve } from "node:path";
import { ExitCode, UserError } from "../errors.ts";
import { planDryRun, printDryRun } from "../engine/dry_run.ts";
import { acquireLock, isLockHeld } from "../engine/lock.ts";
import { reapLeftovers } from "../engine/reaper.ts";
import { agentInstalled, executeRun, openSession, preflightAgents } from "../engine/session.ts";
import { newRunId, newRunState, StateCorruptError, StateStore } from "../engine/state_store.ts";
import { pipelineFor } from "../config/mod.ts";
import { wpTags } from "../engine/wp_facts.ts";
import type { Terminal } from "../output/terminal.ts";
import type { OrchestrateOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { runResume } from "./resume.ts";
import { listRunStateFiles } from "../engine/state_select.ts";

/** True when `mission` has a run state whose run did not finish (a damaged file counts: resume reports it). */
async function hasUnfinishedRun(repoRoot: string, mission: string): Promise<boolean> {
  const file = (await listRunStateFiles(repoRoot)).find((f) => f.mission === mission);
  return file !== undefined && file.status !== "finished";
}

/** Runs `orchestrate` and returns the exit code. */
export async function runOrchestrate(
  opts: OrchestrateOptions,
  term: Terminal,
  cwd: string = Deno.cwd(),
): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot, cwd);
  if (opts.continue && !opts.dryRun && !opts.fresh && await hasUnfinishedRun(repoRoot, opts.mission)) {
    // One idempotent command for cron: continue the unfinished run of this mission, else start one.
    term.line(`An unfinished run of mission '${opts.mission}' exists: resuming it (--continue).`);
    return await runResume(
      {
        mission: opts.mission,
        actor: opts.actor,
        caffeinate: opts.caffeinate,
        implAgent: opts.implAgent,
        reviewAgent: opts.reviewAgent,
        maxConcurrent: opts.maxConcurrent,
        host: opts.host,
        accept: opts.accept,
        config: opts.config,
        repoRoot: opts.repoRoot,
        json: opts.json,
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
      if (unfinished && !opts.fresh) {
        throw new UserError(
          `Cannot start a new run of mission '${mission}' as run ${previous.run_id} of mission ` +
            `'${previous.mission}' is unfinished (status ${previous.status}); its retry counters would be lost`,
          {
            fix: previous.mission === mission
              ? "Continue it with `spec-kitty-orchestrator resume`, or pass --fresh to archive it and start over."
              : "Finish it with `resume`, or pass --fresh to archive it and start this mission.",
          },
        );
      }
      for (const line of await reapLeftovers(previous)) {
        term.warn(`leftover agent from run ${previous.run_id}: ${line}`);
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
