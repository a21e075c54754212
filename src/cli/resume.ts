/**
 * `resume`: continue the run recorded in `.kittify/orchestrator-run-state.<mission>.json`.
 *
 * The contract is checked again (weakness 14), leftover agent process groups of the dead run are
 * reaped first, the saved flags are re-applied unless given again, WPs in flight are adopted
 * from their host lanes, and counters (attempts, review cycles, cost) survive. Failed and skipped
 * WPs of a finished run get a fresh try, and so do WPs this orchestrator blocked because an agent
 * could not run (auth, model not found, config): the user re-runs after fixing it. Other blocked
 * WPs (a person's, review rejections) need `--retry-blocked` (see `core/unblock.ts`).
 *
 * `orchestrate` continues an unfinished run through here, with its own flags applied.
 *
 * @module
 */
import { ExitCode, UserError } from "../domain/errors.ts";
import { prepareForResume } from "../core/lifecycle_rules.ts";
import { acquireLock } from "../store/lock.ts";
import { reapLeftovers } from "../proc/reaper.ts";
import { executeRun, openSession, preflightAgents } from "../app/session.ts";
import { StateStore } from "../store/run_state.ts";
import { selectStateMission } from "../store/state_select.ts";
import { blockedToRetry, lanesOf, takeUpBlocked } from "../core/unblock.ts";
import type { Terminal } from "../output/terminal.ts";
import type { ResumeOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";
import { resolve } from "node:path";

/** Runs `resume` and returns the exit code. */
export async function runResume(opts: ResumeOptions, term: Terminal, cwd: string = Deno.cwd()): Promise<number> {
  const repoRoot = await findRepoRoot(opts.repoRoot, cwd);
  const chosen = await selectStateMission(repoRoot, opts.mission, "resume");
  const peek = chosen === null
    ? null
    : await new StateStore(repoRoot, { mission: chosen, onWarning: (m) => term.warn(m) }).load();
  if (peek === null) {
    const where = chosen === null ? "under .kittify/" : `for mission '${chosen}'`;
    throw new UserError(`Cannot resume as there is no run state ${where}`, {
      exitCode: ExitCode.RunFailed,
      fix: "Start a run with `spec-kitty-orchestrator orchestrate --mission <slug>`.",
    });
  }
  const flags = peek.flags;
  const host = opts.host ?? (flags.host === "builtin" || flags.host === "spec-kitty" ? flags.host : undefined);
  const session = await openSession(
    repoRoot,
    {
      config: opts.config === undefined ? flags.config ?? undefined : resolve(cwd, opts.config),
      implAgent: opts.implAgent ?? flags.impl_agent ?? undefined,
      reviewAgent: opts.reviewAgent ?? flags.review_agent ?? undefined,
      maxConcurrent: opts.maxConcurrent ?? flags.max_concurrent ?? undefined,
      pipeline: opts.pipeline ?? flags.pipeline ?? undefined,
      host,
      actor: opts.actor ?? peek.actor,
      accept: opts.accept || undefined,
    },
    cwd,
    { mission: peek.mission, listReady: true },
  );

  await preflightAgents(session.config, (m) => term.warn(m));
  const lock = await acquireLock(repoRoot, peek.mission, peek.run_id);
  try {
    const store = new StateStore(repoRoot, { mission: peek.mission, onWarning: (m) => term.warn(m) });
    const state = await store.load();
    if (state === null || state.run_id !== peek.run_id) {
      throw new UserError("Cannot resume as the run state changed while starting (another command touched it)", {
        exitCode: ExitCode.RunFailed,
        fix: "Run `spec-kitty-orchestrator status`, then try again.",
      });
    }
    for (const line of await reapLeftovers(state)) term.warn(`leftover agent: ${line}`);
    state.running = [];
    if (session.config.actor !== state.actor) {
      term.warn(
        `Resuming with actor '${session.config.actor}' instead of '${state.actor}': WPs claimed by the old actor ` +
          "will be refused by the host (WP_ALREADY_CLAIMED).",
      );
    }
    state.actor = session.config.actor;
    state.policy = session.policy;
    state.resume_count += 1;
    state.flags = {
      ...state.flags,
      impl_agent: opts.implAgent ?? state.flags.impl_agent,
      review_agent: opts.reviewAgent ?? state.flags.review_agent,
      max_concurrent: opts.maxConcurrent ?? state.flags.max_concurrent,
      pipeline: opts.pipeline ?? state.flags.pipeline,
      host: opts.host ?? state.flags.host,
      config: opts.config === undefined ? state.flags.config : resolve(cwd, opts.config),
    };
    for (const [id, wp] of Object.entries(state.wps)) state.wps[id] = prepareForResume(wp);
    let missionState = session.missionState;
    if (missionState !== undefined) {
      const retries = blockedToRetry(state, lanesOf(missionState.workPackages), opts.retryBlocked === true);
      const results = await takeUpBlocked(session.host, state, retries);
      for (const r of results) {
        if (r.ok) term.line(`${r.retry.wpId}: retrying (${r.detail})`);
        else term.warn(`${r.retry.wpId} stays blocked: ${r.detail}`);
      }
      // Lanes moved: the engine reads the mission state again instead of using the preflight's.
      if (results.some((r) => r.ok && r.retry.transition)) missionState = undefined;
    }
    return await executeRun({
      session,
      state,
      store,
      lock,
      term,
      resumed: true,
      caffeinate: opts.caffeinate,
      accept: session.config.accept,
      maxConcurrent: session.config.maxConcurrent,
      missionState,
      ready: session.ready,
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
