/**
 * A consensus review (`review.require`): every reviewer of the stage reviews the WP, one after
 * another or at once (`review.parallel`), each through {@link runStage} with the stage's retry
 * policy, its own counters and its own attempt logs; the rule in `consensus.ts` turns their
 * verdicts into the panel's. The caller discards what reviewers changed in the worktree once all
 * of them are done.
 *
 * @module
 */
import type { ReviewVerdict } from "../domain/agent.ts";
import type { ConsensusConfig } from "../domain/config.ts";
import type { BudgetStop } from "../core/budget.ts";
import type { EngineContext } from "./context.ts";
import { consensusVerdict, mergedFeedback, panelName } from "../core/consensus.ts";
import { runStage, type StageResult, type StageRun } from "./stage.ts";
import type { ReviewVote } from "../domain/run_state.ts";

/** A panel's result: the stage result the review loop acts on, plus every reviewer's vote. */
export type PanelResult =
  | { ok: true; agent: string; value: ReviewVerdict; votes: ReviewVote[] }
  | { ok: false; reason: string; budget?: BudgetStop; votes: ReviewVote[] };

/**
 * Runs the panel of `run.stage.agents` under `consensus`. A reviewer that gives no verdict after
 * its retries votes null; a WP over its budget stops the panel (no further reviewer starts).
 */
export async function reviewPanel(
  ctx: EngineContext,
  run: StageRun<ReviewVerdict>,
  consensus: ConsensusConfig,
): Promise<PanelResult> {
  const reviewers = [...run.stage.agents];
  const one = (reviewer: string): Promise<StageResult<ReviewVerdict>> =>
    runStage(ctx, {
      ...run,
      // Each reviewer alone: its retries and rate-limit waits, never another reviewer as a fallback.
      stage: { ...run.stage, agents: [reviewer], consensus: undefined },
      counters: { index: 0, failures: 0, waitedMs: 0 },
    });
  let results: StageResult<ReviewVerdict>[];
  if (consensus.parallel) {
    // Wait for every reviewer to end before acting on any failure: none keeps running detached.
    const settled = await Promise.allSettled(reviewers.map(one));
    const failed = settled.find((s) => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    results = settled.map((s) => (s as PromiseFulfilledResult<StageResult<ReviewVerdict>>).value);
  } else {
    results = [];
    for (const reviewer of reviewers) {
      const result = await one(reviewer);
      results.push(result);
      if (!result.ok && result.budget !== undefined) break;
    }
  }
  const votes: ReviewVote[] = reviewers.map((reviewer, i) => {
    const r = results[i];
    return { reviewer, verdict: r?.ok ? r.value.verdict : null };
  });
  for (const r of results) {
    if (!r.ok && r.budget !== undefined) return { ok: false, reason: r.reason, budget: r.budget, votes };
  }
  const outcome = consensusVerdict(consensus.require, votes);
  if (outcome.kind === "no_verdict") {
    const why = results.flatMap((r, i) => (r.ok ? [] : [`${reviewers[i]}: ${r.reason}`])).join("; ");
    return { ok: false, reason: `${outcome.reason}${why === "" ? "" : `; ${why}`}`, votes };
  }
  const rejections = results.flatMap((r, i) =>
    r.ok && r.value.verdict === "changes_requested" ? [{ reviewer: reviewers[i]!, feedback: r.value.feedback }] : []
  );
  return {
    ok: true,
    agent: panelName(reviewers),
    value: {
      verdict: outcome.verdict,
      feedback: outcome.verdict === "approved" ? "" : mergedFeedback(rejections),
    },
    votes,
  };
}
