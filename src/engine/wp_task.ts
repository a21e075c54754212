/**
 * One WP's lifecycle, from claim (or adoption) to an explicit outcome:
 *
 * `start-implementation` (or `resolve-workspace` for adopted review work) → workspace check →
 * implement (retries/fallback) → commit gate → `transition for_review` → `start-review` →
 * review (diff since the implementation base) → `transition done`, or `transition in_progress`
 * with the feedback and rework, until `max_review_cycles` rejections block the WP.
 *
 * Every exception is caught here, recorded in the WP's state (`last_error`) and turned into an
 * outcome; only interruption (resume continues) and fatal host errors (the run stops) leave a WP
 * without one.
 *
 * @module
 */
import { resolve } from "node:path";
import { errorMessage } from "../domain/errors.ts";
import { HostError } from "../domain/host_errors.ts";
import type { StartImplementationResult, WorkspaceInfo } from "../domain/host.ts";
import { type EngineContext, InterruptedError, isFatalHostError, RunFatalError, WpStop } from "./context.ts";
import type { Dispatch } from "../core/decide.ts";
import { type EnsuredWorkspace, WorkspaceError } from "../domain/git.ts";
import { mutate, RECONCILED } from "./host_ops.ts";
import { noteText } from "../core/lifecycle_rules.ts";
import { afterAllocationFailure } from "../core/attempt_retry.ts";
import { committedBeforeCrash, implementAndSubmit, reviewLoop, submitCommitted, type WpUnit } from "./wp_steps.ts";

/**
 * How a WP task ended: `settled` (an outcome, an interruption or a fatal error was recorded) or
 * `deferred` (the host refused to start it as its dependencies are not satisfied yet: our lane
 * view was ahead of or behind the host; the WP keeps no outcome and is tried again after a read).
 */
export type WpTaskEnd = "settled" | "deferred";

/** Runs one dispatched WP to an outcome (or to interruption, or a deferral). Never rejects. */
export async function runWpTask(ctx: EngineContext, dispatch: Dispatch): Promise<WpTaskEnd> {
  const { wpId } = dispatch;
  let release: (() => void) | null = null;
  try {
    const info = await acquire(ctx, dispatch);
    release = await ctx.laneLocks.acquire(resolve(ctx.opts.repoRoot, info.workspacePath));
    ctx.checkpoint();
    const ws = await ensureWorkspace(ctx, info);
    const markdown = await readPrompt(ctx, info.promptPath);
    const pipeline = ctx.deps.pipelineFor(wpId, markdown);
    const wp = ctx.wp(wpId);
    wp.pipeline = pipeline.name;
    await ctx.save();
    ctx.emit({ type: "wp_dispatched", wp_id: wpId, pipeline: pipeline.name, lane: ctx.lanes.get(wpId) ?? null });
    const gitConfig = await ctx.deps.git.configFingerprint(ws.path);
    const unit: WpUnit = { ctx, wp, ws, info, pipeline, markdown, gitConfig };
    let mode = dispatch.mode;
    if (mode === "implement") {
      if (committedBeforeCrash(wp)) await submitCommitted(unit);
      else await implementAndSubmit(unit, wp.phase === "rework" ? wp.review_feedback ?? "" : null);
      mode = "review";
    }
    await reviewLoop(unit, mode);
  } catch (error) {
    if (isDependencyRefusal(error) && !ctx.signal.aborted) {
      ctx.emit({
        type: "warning",
        wp_id: wpId,
        message: `start of ${wpId} deferred: the host says its dependencies are not satisfied yet ` +
          "(DEPENDENCIES_NOT_SATISFIED); re-reading the mission state before trying again",
      });
      return "deferred";
    }
    await settleError(ctx, wpId, error);
  } finally {
    release?.();
  }
  return "settled";
}

/** The host refused a claim because a dependency is not approved/done (nothing was changed). */
export function isDependencyRefusal(error: unknown): boolean {
  return error instanceof HostError && error.code === "DEPENDENCIES_NOT_SATISFIED";
}

async function acquire(ctx: EngineContext, dispatch: Dispatch): Promise<WorkspaceInfo> {
  const { host } = ctx.deps;
  const { mission } = ctx.state;
  const wp = ctx.wp(dispatch.wpId);
  let info: WorkspaceInfo;
  // An in_progress WP this run already worked on is ours: re-claiming would make the host
  // re-allocate the worktree, which it refuses when a killed agent left changes behind
  // (LANE_ALLOCATION_FAILED). Resolving is read-only, and the commit gate sweeps the leftovers in.
  const ours = ctx.lanes.get(dispatch.wpId) === "in_progress" && (wp.attempts.length > 0 || wp.workspace_path !== null);
  if (dispatch.mode === "implement" && !ours) {
    const before = ctx.lanes.get(dispatch.wpId) ?? "planned";
    const started = await startImplementation(ctx, dispatch.wpId);
    if (started === RECONCILED) {
      info = await host.resolveWorkspace(mission, dispatch.wpId);
      ctx.moved(dispatch.wpId, before, "in_progress");
    } else {
      info = started;
      ctx.moved(dispatch.wpId, started.noOp ? "in_progress" : started.fromLane, "in_progress");
    }
    ctx.fault("after-start-implementation");
  } else {
    info = await host.resolveWorkspace(mission, dispatch.wpId);
  }
  wp.workspace_path = resolve(ctx.opts.repoRoot, info.workspacePath);
  wp.prompt_path = resolve(ctx.opts.repoRoot, info.promptPath);
  wp.lane_id = info.laneId ?? null;
  wp.lane_branch = info.laneBranch ?? null;
  await ctx.save();
  return info;
}

/**
 * `start-implementation`, one lane allocation of the mission at a time (the host refuses a
 * concurrent one) unless the host serialises allocation itself, tried again after a refusal that
 * may be a race ({@link afterAllocationFailure}). The lock is not held while waiting to retry, so
 * other WPs can start meanwhile.
 */
async function startImplementation(
  ctx: EngineContext,
  wpId: string,
): Promise<StartImplementationResult | typeof RECONCILED> {
  const { mission, actor, policy } = ctx.state;
  for (let retries = 0;; retries++) {
    const release = ctx.opts.hostSerializesAllocation ? () => {} : await ctx.allocationLock.acquire(mission);
    try {
      ctx.checkpoint();
      return await mutate(
        ctx,
        wpId,
        "in_progress",
        () => ctx.deps.host.startImplementation({ mission, wp: wpId, actor, policy }),
      );
    } catch (error) {
      if (!(error instanceof HostError)) throw error;
      const decision = afterAllocationFailure(error, retries, ctx.deps.clock.random);
      if (decision.kind === "give_up") throw error;
      ctx.emit({
        type: "warning",
        wp_id: wpId,
        message: `host start-implementation refused with ${error.code} (attempt ${retries + 1}); ` +
          `trying again in ${Math.ceil(decision.delayMs / 1000)}s as it may be a race on the mission's branches`,
      });
      release();
      try {
        await ctx.deps.clock.sleep(decision.delayMs, ctx.signal);
      } catch {
        throw new InterruptedError("interrupted while waiting to retry start-implementation");
      }
    } finally {
      release();
    }
  }
}

async function ensureWorkspace(ctx: EngineContext, info: WorkspaceInfo): Promise<EnsuredWorkspace> {
  try {
    const ensured = await ctx.deps.git.ensureWorkspace(ctx.opts.repoRoot, {
      workspacePath: info.workspacePath,
      laneBranch: info.laneBranch,
      laneBaseRef: info.laneBaseRef,
      fallbackBranch: `orchestrator/${ctx.state.mission}/${info.wpId}`,
    });
    const created = ctx.state.created;
    if (ensured.createdWorktree && !created.worktrees.includes(ensured.path)) created.worktrees.push(ensured.path);
    if (ensured.createdBranch !== null && !created.branches.includes(ensured.createdBranch)) {
      created.branches.push(ensured.createdBranch);
    }
    ctx.wp(info.wpId).workspace_path = ensured.path;
    await ctx.save();
    return ensured;
  } catch (error) {
    if (error instanceof WorkspaceError) {
      if (error.wrongBranch !== null) {
        ctx.wp(info.wpId).stop_cause = { kind: "wrong_branch", ...error.wrongBranch, message: error.message };
      }
      throw new WpStop("failed", error.message);
    }
    throw error;
  }
}

async function readPrompt(ctx: EngineContext, path: string): Promise<string> {
  try {
    return await ctx.deps.readText(resolve(ctx.opts.repoRoot, path));
  } catch (error) {
    throw new WpStop("failed", `Cannot read the WP prompt ${path}: ${errorMessage(error)}`);
  }
}

function hostReason(error: HostError): string {
  const message = typeof error.data.message === "string" ? error.data.message : error.message;
  if (error.code === "WP_ALREADY_CLAIMED") {
    const by = typeof error.data.claimed_by === "string" ? error.data.claimed_by : "another actor";
    return `claimed by ${by} (host ${error.command}: WP_ALREADY_CLAIMED)`;
  }
  const reason = error.data.reason;
  // Hosts often repeat the reason inside the message: say it once.
  const detail = typeof reason === "string" && !message.includes(reason) ? `: ${reason}` : "";
  return `host ${error.command} refused with ${error.shownCode}: ${message}${detail}`;
}

async function settleError(ctx: EngineContext, wpId: string, error: unknown): Promise<void> {
  const wp = ctx.wp(wpId);
  if (error instanceof InterruptedError || (ctx.signal.aborted && !(error instanceof WpStop))) {
    if (!(error instanceof InterruptedError)) wp.last_error = errorMessage(error);
  } else if (error instanceof WpStop) {
    ctx.finish(wpId, error.kind, error.message);
    // A failed WP stays in its lane (blocked ones carry the reason in their transition note).
    if (error.kind === "failed") ctx.history(wpId, noteText(`orchestrator stopped: ${error.message}`));
  } else if (isFatalHostError(error) || error instanceof RunFatalError) {
    wp.last_error = errorMessage(error);
    ctx.fail(error instanceof RunFatalError ? error : new RunFatalError(errorMessage(error), { cause: error }));
  } else if (error instanceof HostError) {
    if (error.code === "LANE_ALLOCATION_FAILED") {
      wp.stop_cause = { kind: "lane_allocation", workspace: wp.workspace_path, message: hostReason(error) };
    }
    ctx.finish(wpId, "failed", hostReason(error));
  } else {
    ctx.finish(wpId, "failed", `unexpected error: ${errorMessage(error)}`);
  }
  await ctx.save().catch(() => {});
}
