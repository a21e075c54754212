/**
 * Per-WP lifecycle rules over plain data: what a review verdict leads to, how review
 * references and review results are built, and how a resumed run treats saved WP state.
 *
 * A reviewer *failure* (crash, timeout, no verdict) is never a verdict: it goes through the
 * retry/fallback policy of the review stage (`retry.ts`) and never approves or rejects.
 *
 * @module
 */
import type { ReviewResult, TransitionEvidence } from "../host/types.ts";
import type { WpRunState } from "./state_types.ts";

/** What follows a parsed review verdict. */
export type ReviewDecision =
  | { kind: "approve" }
  | { kind: "rework"; cycles: number }
  | { kind: "block"; cycles: number; reason: string };

/**
 * Decides the next step after a verdict. `previousRejections` is `review_cycles` before this
 * review; `maxReviewCycles` rejections are reworked, the next one blocks the WP.
 */
export function afterReviewVerdict(
  verdict: "approved" | "changes_requested",
  previousRejections: number,
  maxReviewCycles: number,
): ReviewDecision {
  if (verdict === "approved") return { kind: "approve" };
  const cycles = previousRejections + 1;
  if (previousRejections >= maxReviewCycles) {
    return {
      kind: "block",
      cycles,
      reason: `review rejected ${cycles} times; max_review_cycles is ${maxReviewCycles}`,
    };
  }
  return { kind: "rework", cycles };
}

/** A fresh review reference, e.g. `review-WP01-cycle2-1a2b3c4d`. */
export function newReviewRef(wpId: string, cycle: number, random: () => number): string {
  let hex = "";
  for (let i = 0; i < 8; i++) hex += Math.floor(random() * 16).toString(16);
  return `review-${wpId}-cycle${cycle}-${hex}`;
}

/** The structured review result the host requires on every exit from in_review. */
export function reviewResult(
  reviewer: string,
  verdict: "approved" | "changes_requested",
  reference: string,
): ReviewResult {
  return { reviewer, verdict, reference };
}

/** Evidence matching a review result (the host requires equal reviewer/verdict/reference). */
export function reviewEvidence(result: ReviewResult): TransitionEvidence {
  return { review: { reviewer: result.reviewer, verdict: result.verdict, reference: result.reference } };
}

/** Caps a note sent to the host (transition reasons end up in the event log). */
export function noteText(text: string, max = 2000): string {
  const t = text.trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

/**
 * Prepares saved WP state for a resumed run. Done/approved/blocked outcomes stand (they mirror
 * host lanes and are re-checked against them); failed and skipped WPs are retried with fresh
 * agent chains (the user resumed to try again); interrupted WPs keep their chain position.
 * Review rejections (`review_cycles`) always survive.
 */
export function prepareForResume(wp: WpRunState): WpRunState {
  const kind = wp.outcome?.kind;
  if (kind === "failed" || kind === "skipped") {
    return {
      ...wp,
      outcome: null,
      phase: wp.phase === "finished" ? "pending" : wp.phase,
      implement_agent_index: 0,
      review_agent_index: 0,
      implement_failures: 0,
      review_failures: 0,
    };
  }
  if (kind === "done" || kind === "approved" || kind === "blocked") return wp;
  return wp;
}

/** A blank WP state. */
export function newWpState(wpId: string, pipeline: string): WpRunState {
  return {
    wp_id: wpId,
    pipeline,
    phase: "pending",
    outcome: null,
    implement_agent_index: 0,
    review_agent_index: 0,
    implement_failures: 0,
    review_failures: 0,
    attempts: [],
    review_cycles: 0,
    review_feedback: null,
    review_ref: null,
    implementation_base: null,
    workspace_path: null,
    prompt_path: null,
    lane_id: null,
    lane_branch: null,
    last_error: null,
    cost_usd: 0,
  };
}
