/**
 * Per-WP lifecycle rules over plain data: what a review verdict leads to, how review
 * references and review results are built, and how a resumed run treats saved WP state.
 *
 * A reviewer *failure* (crash, timeout, no verdict) is never a verdict: it goes through the
 * retry/fallback policy of the review stage (`retry.ts`) and never approves or rejects.
 *
 * @module
 */
import type { AgentRole } from "../domain/agent.ts";
import type { ReviewResult, TransitionEvidence } from "../domain/host.ts";
import {
  CONFIG_FAILURE_CLASSES,
  type ConfigFailureClass,
  type ReviewVote,
  TRANSIENT_FAILURE_CLASSES,
  type TransientFailureClass,
  type WpRunState,
  type WpStopCause,
} from "../domain/run_state.ts";

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

/**
 * Evidence matching a review result (the host requires equal reviewer/verdict/reference). A
 * consensus review's `votes` go in `verification`, one entry per reviewer in the shape the host
 * parses every entry into (`command`, `result`, `summary`, all strings): `review:<reviewer>`,
 * `pass` (approved), `fail` (changes requested) or `skip` (no verdict), and a sentence naming the
 * reviewer and verdict. So the host's record names every reviewer of the panel.
 */
export function reviewEvidence(result: ReviewResult, votes?: readonly ReviewVote[]): TransitionEvidence {
  const review = { reviewer: result.reviewer, verdict: result.verdict, reference: result.reference };
  if (votes === undefined) return { review };
  return {
    review,
    verification: votes.map((v) => ({
      command: `review:${v.reviewer}`,
      result: v.verdict === "approved" ? "pass" : v.verdict === "changes_requested" ? "fail" : "skip",
      summary: `${v.reviewer}: ${v.verdict ?? "no verdict"} (consensus review ${result.reference})`,
    })),
  };
}

/** Caps a note sent to the host (transition reasons end up in the event log). */
export function noteText(text: string, max = 2000): string {
  const t = text.trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

/** Both agent chains back at their first agent with no failures counted (resume and retry start them over). */
const FRESH_CHAINS = {
  implement_agent_index: 0,
  review_agent_index: 0,
  implement_failures: 0,
  review_failures: 0,
} as const satisfies Partial<WpRunState>;

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
      ...FRESH_CHAINS,
      stop_cause: null,
    };
  }
  if (kind === "done" || kind === "approved" || kind === "blocked") return wp;
  return wp;
}

/** The last attempt of `role` in `wp` when its result is one of `classes`, else null. */
function lastFailureIn<C extends string>(
  wp: WpRunState,
  role: AgentRole,
  classes: readonly C[],
): { agent: string; failure_class: C; message: string } | null {
  const last = wp.attempts.filter((a) => a.role === role).at(-1);
  if (last === undefined || !(classes as readonly string[]).includes(last.result)) return null;
  return {
    agent: last.agent,
    failure_class: last.result as C,
    message: last.message ?? `${last.agent} ${last.result}`,
  };
}

/**
 * The cause to record when a stage of `wp` gave up: `agent_config` when its last attempt of
 * `role` failed with a class no retry fixes (auth, model not found, config), else null. Decided
 * on the recorded failure class, never on the message.
 */
export function configStopCause(
  wp: WpRunState,
  role: AgentRole,
): Extract<WpStopCause, { kind: "agent_config" }> | null {
  const last = lastFailureIn<ConfigFailureClass>(wp, role, CONFIG_FAILURE_CLASSES);
  return last === null ? null : { kind: "agent_config", role, ...last };
}

/** How a transient class reads in a sentence ("stayed rate limited", "stayed overloaded"). */
export function transientLabel(c: TransientFailureClass): string {
  return c === "rate_limit" ? "rate limited" : "overloaded";
}

/**
 * The stop cause of a stage whose agents all failed, when the last failure says what a re-run
 * can fix: a configuration class ({@link configStopCause}) or a transient one (the provider was
 * still rate limited or overloaded when the wait budget ran out). Null for anything else.
 */
export function agentStopCause(
  wp: WpRunState,
  role: AgentRole,
): Extract<WpStopCause, { kind: "agent_config" | "agent_transient" }> | null {
  const config = configStopCause(wp, role);
  if (config !== null) return config;
  const last = lastFailureIn<TransientFailureClass>(wp, role, TRANSIENT_FAILURE_CLASSES);
  return last === null ? null : { kind: "agent_transient", role, ...last };
}

/**
 * Prepares a blocked WP that a new run moves back to in_progress (blocked → in_progress is the
 * host's only way out of blocked): no outcome, fresh agent chains, the stop cause cleared.
 * Where it picks up: a WP whose reviewer could not run has its commit resubmitted for review
 * (no new implementation); a WP with review feedback is reworked with it; any other starts its
 * implementation again. Review rejections (`review_cycles`) survive.
 */
export function prepareForRetry(wp: WpRunState): WpRunState {
  const reviewerBlocked = wp.stop_cause?.kind === "agent_config" && wp.stop_cause.role === "review" &&
    implementationUnreviewed(wp);
  return {
    ...wp,
    outcome: null,
    phase: reviewerBlocked ? "awaiting_review" : wp.review_feedback !== null ? "rework" : "pending",
    review_ref: null,
    ...FRESH_CHAINS,
    // A retry is a fresh start for the rate-limit wait budget too (a provider outage ended, or a
    // person asked); without it a WP blocked by its budget would be blocked again at once.
    implement_wait_ms: 0,
    review_wait_ms: 0,
    stop_cause: null,
  };
}

/**
 * True when the last implementer attempt of `wp` succeeded (its commit is the WP's current work)
 * and no review of it ran since: the only later attempts are reviewers that could not start at
 * all (a config-class failure). An interrupted or finished review means the lane moved on.
 */
export function implementationUnreviewed(wp: WpRunState): boolean {
  const i = wp.attempts.findLastIndex((a) => a.role === "implement");
  if (i < 0 || wp.attempts[i]?.result !== "ok") return false;
  return wp.attempts.slice(i + 1).every((a) => (CONFIG_FAILURE_CLASSES as readonly string[]).includes(a.result));
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
    implement_wait_ms: 0,
    review_wait_ms: 0,
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
    stop_cause: null,
  };
}
