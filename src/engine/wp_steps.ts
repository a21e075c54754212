/**
 * The steps of a WP's lifecycle after its workspace is ready: implement (or rework) and submit
 * for review; the review loop (approve → done, reject → rework, too many rejections → blocked);
 * and blocking with a reason. Called by `wp_task.ts`, which turns what they throw into outcomes.
 *
 * The happy path makes exactly four mutating host calls (start-implementation, transition
 * for_review, start-review, transition done) and no history note: each transition's `--note`
 * already records what happened.
 *
 * @module
 */
import { extractSubtasks } from "../agents/prompt.ts";
import { missingVerdictReason } from "../core/verdict.ts";
import type { AttemptFailure, AttemptResult, ReviewVerdict } from "../domain/agent.ts";
import type { PipelineConfig } from "../domain/config.ts";
import { errorMessage } from "../domain/errors.ts";
import type { Lane, TransitionInput, WorkspaceInfo } from "../domain/host.ts";
import { reviewsInForReview } from "../host/era.ts";
import { type EngineContext, isFatalHostError, WpStop } from "./context.ts";
import type { Dispatch } from "../core/decide.ts";
import type { EnsuredWorkspace } from "../domain/git.ts";
import { mutate, RECONCILED } from "./host_ops.ts";
import {
  afterReviewVerdict,
  agentStopCause,
  configStopCause,
  implementationUnreviewed,
  newReviewRef,
  noteText,
  reviewEvidence,
  reviewResult,
} from "../core/lifecycle_rules.ts";
import { oneLine } from "../core/attempt_retry.ts";
import { outsideOwned } from "../core/owned_files.ts";
import { runStage, type StageResult, type StageRun } from "./stage.ts";
import type { BudgetStop } from "../core/budget.ts";
import { votesText } from "../core/consensus.ts";
import { reviewPanel } from "./review_panel.ts";
import { wpOwnedPaths } from "../core/wp_facts.ts";
import type { WpRunState, WpStopCause } from "../domain/run_state.ts";

/** Everything the steps of one WP share. */
export interface WpUnit {
  ctx: EngineContext;
  wp: WpRunState;
  ws: EnsuredWorkspace;
  info: WorkspaceInfo;
  pipeline: PipelineConfig;
  markdown: string;
  /** Git configuration when the WP's workspace was set up; a change means tampering. */
  gitConfig: string;
}

function failureOf(result: AttemptResult): AttemptFailure {
  return result.failure ??
    { class: "crash", message: `${result.agentId} exited with ${result.exitCode ?? result.signal ?? "?"}` };
}

/**
 * Implements (or reworks with `feedback`), commits, and moves the WP to for_review; blocks it
 * when every implementer failed.
 */
export async function implementAndSubmit(unit: WpUnit, feedback: string | null): Promise<void> {
  const { ctx, wp, ws, pipeline, markdown } = unit;
  const { git, prompts } = ctx.deps;
  wp.phase = feedback !== null ? "rework" : "implementing";
  wp.implementation_base ??= await git.head(ws.path);
  const base = feedback !== null ? await git.head(ws.path) : wp.implementation_base;
  await ctx.save();
  const title = feedback === null
    ? `feat(${wp.wp_id}): implementation`
    : `fix(${wp.wp_id}): address review feedback (cycle ${wp.review_cycles})`;
  const stage = await runStage<{ head: string; files: string[]; subtasksVerified: boolean }>(ctx, {
    wpId: wp.wp_id,
    role: "implement",
    stage: pipeline.implement,
    budget: pipeline.budget,
    workspace: ws.path,
    prompt: () => prompts.implement({ wpId: wp.wp_id, wpMarkdown: markdown, feedback }),
    judge: async (result) => {
      if (!result.ok) return { ok: false, failure: failureOf(result) };
      if (await git.configFingerprint(ws.path) !== unit.gitConfig) {
        throw new WpStop(
          "failed",
          `Refusing to commit in ${ws.path} as the git configuration must not change during a WP: it changed ` +
            "(an agent edited .git/config or a config it includes); inspect it before resuming",
        );
      }
      const gate = await git.commitGate(ws.path, ws.branch, base, `${title} by ${result.agentId}`);
      if (gate.ok) {
        const { missing, verified } = await checkSubtasks(ctx, wp.wp_id, markdown);
        if (missing.length > 0) {
          return {
            ok: false,
            failure: {
              class: "no_output",
              message: `agent committed work but did not mark subtask(s) ${missing.join(", ")} done`,
            },
          };
        }
        return { ok: true, value: { head: gate.head, files: gate.files, subtasksVerified: verified } };
      }
      if (gate.kind === "no_output") {
        return { ok: false, failure: { class: "no_output", message: `agent exited cleanly but made ${gate.message}` } };
      }
      if (gate.kind === "wrong_branch") {
        wp.stop_cause = { kind: "wrong_branch", workspace: ws.path, branch: ws.branch, message: gate.message };
      }
      throw new WpStop("failed", gate.message);
    },
  });
  if (!stage.ok && stage.budget !== undefined) {
    // A hard budget stop: no retry, no fallback; a person raises the budget or accepts the spend.
    wp.stop_cause = budgetStopCause(stage.budget);
    await block(ctx, wp.wp_id, "in_progress", stage.reason);
    return;
  }
  if (!stage.ok) {
    // A config-class failure (auth, model not found) or a rate-limit budget spent is recorded so
    // the next run retries the WP (after the fix, or once the provider's outage is over).
    wp.stop_cause = agentStopCause(wp, "implement");
    await block(ctx, wp.wp_id, "in_progress", `implementation failed: ${stage.reason}`);
    return;
  }
  const head = stage.value.head.slice(0, 12);
  const stray = outsideOwned(stage.value.files, wpOwnedPaths(markdown));
  if (stray.length > 0) {
    ctx.emit({
      type: "warning",
      wp_id: wp.wp_id,
      message: `committed ${stray.length} file(s) outside the WP's owned_files: ${stray.slice(0, 10).join(", ")}` +
        (stray.length > 10 ? ", ..." : ""),
    });
  }
  wp.phase = "awaiting_review";
  wp.review_ref = null;
  await ctx.save();
  ctx.checkpoint();
  ctx.fault("after-commit");
  await submitForReview(unit, {
    subtasksVerified: stage.value.subtasksVerified,
    note: feedback === null
      ? `Implementation by '${stage.agent}' committed (${head})`
      : `Rework by '${stage.agent}' committed (${head}, cycle ${wp.review_cycles})`,
  });
}

/**
 * True when a previous process committed this WP's work and died before `transition --to
 * for_review` (or blocked it because its reviewer could not run, and a new run unblocked it):
 * our state says the implementation was accepted (phase awaiting_review, the last implementer
 * attempt a success) while the host lane is in_progress.
 */
export function committedBeforeCrash(wp: WpRunState): boolean {
  // A reviewer that could not run at all (a config block a later run lifted) leaves the commit
  // it was given as the WP's work; any other review after it means the lane moved on.
  return wp.phase === "awaiting_review" && implementationUnreviewed(wp);
}

/**
 * A reviewer's approval recorded before a crash, while the host still has the WP in_review under
 * our review reference: `transition --to done` is all that is left, so the review is not paid for
 * twice. Rejections are not reused (their rework decision was not recorded with them).
 */
export function recordedApproval(wp: WpRunState): StageResult<ReviewVerdict> | null {
  const last = wp.attempts.at(-1);
  if (wp.review_ref === null || last === undefined || last.role !== "review") return null;
  if (last.result !== "ok" || last.verdict !== "approved") return null;
  return { ok: true, agent: last.agent, value: { verdict: "approved", feedback: "" } };
}

/** Resumes a WP committed before a crash: submits that commit for review without another agent run. */
export async function submitCommitted(unit: WpUnit): Promise<void> {
  const head = (await unit.ctx.deps.git.head(unit.ws.path)).slice(0, 12);
  const agent = unit.wp.attempts.at(-1)?.agent ?? "unknown";
  await submitForReview(unit, {
    subtasksVerified: false,
    note: `Implementation by '${agent}' committed (${head}); submitted after a restart`,
  });
}

async function submitForReview(unit: WpUnit, opts: { subtasksVerified: boolean; note: string }): Promise<void> {
  const { ctx, wp } = unit;
  const { mission, actor, policy } = ctx.state;
  await mutate(ctx, wp.wp_id, "for_review", () =>
    ctx.deps.host.transition({
      mission,
      wp: wp.wp_id,
      to: "for_review",
      actor,
      policy,
      // True by construction: the commit gate verified a commit since the attempt base.
      implementationEvidencePresent: true,
      // Sent only when we verified the marks ourselves (the host derives it anyway when unforced).
      ...(opts.subtasksVerified ? { subtasksComplete: true } : {}),
      note: opts.note,
    }));
  ctx.moved(wp.wp_id, "in_progress", "for_review");
  await ctx.save();
  ctx.fault("after-for-review");
}

/** Reviews until approval (done), a block, or a reviewer failure; reworks in between. */
export async function reviewLoop(unit: WpUnit, firstMode: Dispatch["mode"]): Promise<void> {
  const { ctx, wp, ws, pipeline, markdown } = unit;
  const { host, prompts } = ctx.deps;
  const { mission, actor, policy } = ctx.state;
  // Before contract 1.3 the WP is reviewed where it is (for_review, see host/era.ts): an approval
  // recorded before a crash is reused, as it is for an in_review WP on 1.3.
  let mode = firstMode === "review" && reviewsInForReview(ctx.state.host_era) && recordedApproval(wp) !== null
    ? "resume_review"
    : firstMode;
  while (true) {
    ctx.checkpoint();
    let ref = wp.review_ref;
    if (mode !== "resume_review" || ref === null) {
      const fresh = newReviewRef(wp.wp_id, wp.review_cycles + 1, ctx.deps.clock.random);
      ref = fresh;
      wp.review_ref = fresh;
      wp.phase = "awaiting_review";
      await ctx.save();
      const started = await mutate(
        ctx,
        wp.wp_id,
        "in_review",
        () => host.startReview({ mission, wp: wp.wp_id, actor, policy, reviewRef: fresh }),
      );
      // Hosts before contract 1.3 review the WP where it is (for_review): the adapter makes no call
      // and answers a no-op naming that lane (see host/era.ts).
      const reviewLane: Lane = started === RECONCILED ? "in_review" : started.toLane as Lane;
      ctx.moved(wp.wp_id, started === RECONCILED || started.noOp ? "for_review" : started.fromLane, reviewLane);
      ctx.fault("after-start-review");
    }
    const reference = ref;
    wp.phase = "reviewing";
    await ctx.save();
    // A panel's approval is not one attempt's: a resumed consensus review runs the panel again.
    const panel = pipeline.review.consensus;
    const recorded = mode === "resume_review" && panel === undefined ? recordedApproval(wp) : null;
    const diff = recorded === null ? await reviewDiff(unit) : "";
    const reviewedHead = recorded === null ? await ctx.deps.git.head(ws.path) : null;
    const review: StageRun<ReviewVerdict> = {
      wpId: wp.wp_id,
      role: "review",
      stage: pipeline.review,
      budget: pipeline.budget,
      workspace: ws.path,
      prompt: () => prompts.review({ wpId: wp.wp_id, wpMarkdown: markdown, diff }),
      judge: (result) => {
        if (!result.ok) return Promise.resolve({ ok: false, failure: failureOf(result) });
        const verdict = prompts.parseVerdict(result.finalMessage);
        if (verdict === null) {
          // Says whether there was no verdict at all or both (the attempt's failure line warns).
          return Promise.resolve({
            ok: false,
            failure: { class: "no_output", message: missingVerdictReason(result.finalMessage) },
          });
        }
        return Promise.resolve({ ok: true, value: verdict, verdict: verdict.verdict });
      },
    };
    const voted = recorded === null && panel !== undefined ? await reviewPanel(ctx, review, panel) : null;
    const stage = recorded ?? voted ?? await runStage<ReviewVerdict>(ctx, review);
    if (voted !== null) {
      wp.review_votes = voted.votes;
      await ctx.save();
    }
    // After every reviewer of a panel is done: the verdicts stand for the code that was reviewed.
    if (reviewedHead !== null) await discardReviewerChanges(unit, reviewedHead, stage.ok ? stage.agent : null);
    if (!stage.ok && stage.budget !== undefined) {
      wp.stop_cause = budgetStopCause(stage.budget);
      await block(ctx, wp.wp_id, "in_review", stage.reason, {
        reviewRef: reference,
        reviewResult: reviewResult(actor, "changes_requested", reference),
      });
    }
    if (!stage.ok) {
      const cause = configStopCause(wp, "review");
      if (cause !== null) {
        // No retry fixes a reviewer that cannot run (auth, model not found): block it with the
        // agent's error so the next run, after the fix, retries it. Every exit from in_review
        // needs a review result; changes_requested is the one that approves nothing.
        wp.stop_cause = cause;
        await block(
          ctx,
          wp.wp_id,
          "in_review",
          `review could not run: ${stage.reason}; fix ${cause.agent}'s configuration, then re-run`,
          { reviewRef: reference, reviewResult: reviewResult(cause.agent, "changes_requested", reference) },
        );
      }
      throw new WpStop(
        "failed",
        `review could not be completed: ${stage.reason}; the WP stays in_review and 'resume' re-runs its review`,
      );
    }
    const reviewer = stage.agent;
    const verdict = stage.value;
    const decision = afterReviewVerdict(verdict.verdict, wp.review_cycles, pipeline.maxReviewCycles);
    if (decision.kind === "approve") {
      const result = reviewResult(reviewer, "approved", reference);
      ctx.checkpoint();
      ctx.fault("before-done");
      await mutate(ctx, wp.wp_id, "done", () =>
        host.transition({
          mission,
          wp: wp.wp_id,
          to: "done",
          actor,
          policy,
          note: voted === null
            ? `Review approved by '${reviewer}'`
            : `Review approved by consensus (require ${panel?.require}): ${votesText(voted.votes)}`,
          reviewRef: reference,
          reviewResult: result,
          evidence: reviewEvidence(result, voted?.votes),
        }));
      ctx.moved(wp.wp_id, ctx.lanes.get(wp.wp_id) ?? "in_review", "done");
      ctx.finish(
        wp.wp_id,
        "done",
        `approved by ${reviewer}` + (wp.review_cycles > 0 ? ` after ${wp.review_cycles} rework(s)` : ""),
      );
      await ctx.save();
      ctx.fault("after-done");
      return;
    }
    const result = reviewResult(reviewer, "changes_requested", reference);
    const feedback = verdict.feedback.trim() === ""
      ? "(the reviewer requested changes without details)"
      : verdict.feedback;
    wp.review_cycles = decision.cycles;
    wp.review_feedback = feedback;
    await ctx.save();
    if (decision.kind === "block") {
      await block(ctx, wp.wp_id, "in_review", `${decision.reason}; last feedback: ${oneLine(feedback)}`, {
        reviewRef: reference,
        reviewResult: result,
      });
      return;
    }
    ctx.checkpoint();
    await mutate(ctx, wp.wp_id, "in_progress", () =>
      host.transition({
        mission,
        wp: wp.wp_id,
        to: "in_progress",
        actor,
        policy,
        note: noteText(
          voted === null
            ? `Changes requested by '${reviewer}' (rejection ${decision.cycles}): ${feedback}`
            : `Changes requested by consensus (require ${panel?.require}; ${votesText(voted.votes)}; ` +
              `rejection ${decision.cycles}): ${feedback}`,
        ),
        reviewRef: reference,
        reviewResult: result,
      }));
    ctx.moved(wp.wp_id, ctx.lanes.get(wp.wp_id) ?? "in_review", "in_progress");
    wp.review_ref = null;
    wp.phase = "rework";
    await ctx.save();
    await implementAndSubmit(unit, feedback);
    mode = "review";
  }
}

/**
 * A reviewer is told not to edit, but nothing stops a CLI from doing it: its edits (or commits)
 * would stay in the lane worktree and make the next WP on the lane fail to allocate, forever.
 * The verdict stands for the code that was reviewed, so the tree goes back to exactly that.
 */
async function discardReviewerChanges(unit: WpUnit, head: string, reviewer: string | null): Promise<void> {
  const { ctx, wp, ws } = unit;
  let discarded: string[];
  try {
    discarded = await ctx.deps.git.discardChanges(ws.path, head);
  } catch (error) {
    throw new WpStop(
      "failed",
      `the reviewer left changes in ${ws.path} that could not be discarded (${errorMessage(error)}); ` +
        "clean the worktree by hand (git -C <worktree> reset --hard && git clean -fd), then resume",
    );
  }
  if (discarded.length === 0) return;
  const shown = discarded.slice(0, 5).join(", ") + (discarded.length > 5 ? `, and ${discarded.length - 5} more` : "");
  ctx.emit({
    type: "warning",
    wp_id: wp.wp_id,
    message: `reviewer ${reviewer === null ? "(failed attempt)" : `'${reviewer}'`} changed the worktree; ` +
      `discarded so the reviewed commit stays as it was: ${shown}`,
  });
}

async function reviewDiff(unit: WpUnit): Promise<string> {
  const { ctx, wp, ws, info } = unit;
  try {
    const base = wp.implementation_base ??
      (info.laneBaseRef !== undefined ? await ctx.deps.git.mergeBase(ws.path, info.laneBaseRef) : null);
    if (base === null) return "(no diff base is known for this WP; inspect the branch history)";
    return await ctx.deps.git.diff(ws.path, base, ctx.opts.diffMaxBytes ?? 200_000);
  } catch (error) {
    return `(the diff could not be computed: ${errorMessage(error)})`;
  }
}

/** The stop cause of a hard budget stop (the next steps name the limit to raise). */
function budgetStopCause(stop: BudgetStop): Extract<WpStopCause, { kind: "budget" }> {
  return { kind: "budget", limit: stop.limit, value: stop.value, spent: stop.spent, message: stop.reason };
}

/** Moves the WP to blocked with the reason and ends it; falls back to `failed` if the host refuses. */
async function block(
  ctx: EngineContext,
  wpId: string,
  from: Lane,
  reason: string,
  extra: Partial<TransitionInput> = {},
): Promise<never> {
  const { mission, actor, policy } = ctx.state;
  ctx.checkpoint();
  try {
    await mutate(
      ctx,
      wpId,
      "blocked",
      () =>
        ctx.deps.host.transition({ mission, wp: wpId, to: "blocked", actor, policy, note: noteText(reason), ...extra }),
    );
  } catch (error) {
    if (isFatalHostError(error)) throw error;
    throw new WpStop("failed", `${reason}; moving it to blocked failed: ${errorMessage(error)}`);
  }
  ctx.moved(wpId, from, "blocked");
  throw new WpStop("blocked", reason);
}

/**
 * Weakness 30: the host's subtask gate can fail open, so the marks are checked here too when
 * they can be read. `verified` is true only when every subtask is marked done.
 */
async function checkSubtasks(
  ctx: EngineContext,
  wpId: string,
  markdown: string,
): Promise<{ missing: string[]; verified: boolean }> {
  const roster = extractSubtasks(markdown);
  if (roster.length === 0 || ctx.deps.subtaskMarks === undefined) return { missing: [], verified: false };
  const marks = await ctx.deps.subtaskMarks(wpId).catch(() => null);
  if (marks === null) return { missing: [], verified: false };
  const missing = roster.filter((id) => marks[id] !== "done");
  return { missing, verified: missing.length === 0 };
}
