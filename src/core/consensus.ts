/**
 * Consensus review rules over plain data (`review: { agents: [...], require: all|any|majority }`):
 * whether a panel's verdicts approve the WP, and the one rework brief merged from the rejections.
 * Pure.
 *
 * Only verdicts given count: a reviewer that gave none after its own retries (crash, auth, no
 * verdict line) cannot approve, so under `all` the review fails as a reviewer failure does
 * today; under `any` and `majority` it is left out of the count, and with no verdict at all the
 * review fails. `majority` needs more than half of the verdicts given (a tie rejects).
 *
 * @module
 */
import type { ConsensusRule } from "../domain/config.ts";
import type { ReviewVote } from "../domain/run_state.ts";

/** What a panel's votes decide. */
export type ConsensusOutcome =
  | { kind: "verdict"; verdict: "approved" | "changes_requested"; summary: string }
  | { kind: "no_verdict"; reason: string };

/** `codex approved, claude-code changes_requested, qwen no verdict`. */
export function votesText(votes: readonly ReviewVote[]): string {
  return votes.map((v) => `${v.reviewer} ${v.verdict ?? "no verdict"}`).join(", ");
}

/** Decides a panel's verdict under `rule`. */
export function consensusVerdict(rule: ConsensusRule, votes: readonly ReviewVote[]): ConsensusOutcome {
  const given = votes.filter((v) => v.verdict !== null);
  const approvals = given.filter((v) => v.verdict === "approved").length;
  const summary = `${rule}: ${votesText(votes)}`;
  if (rule === "all" && given.length < votes.length) {
    const missing = votes.filter((v) => v.verdict === null).map((v) => v.reviewer);
    return {
      kind: "no_verdict",
      reason: `consensus review (require all) cannot hold: ${missing.join(", ")} gave no verdict (${summary})`,
    };
  }
  if (given.length === 0) {
    return { kind: "no_verdict", reason: `consensus review (require ${rule}): no reviewer gave a verdict` };
  }
  const approved = rule === "all"
    ? approvals === given.length
    : rule === "any"
    ? approvals > 0
    : approvals * 2 > given.length;
  return { kind: "verdict", verdict: approved ? "approved" : "changes_requested", summary };
}

/** The rework brief: each rejecting reviewer's feedback under its name, in panel order. */
export function mergedFeedback(feedback: readonly { reviewer: string; feedback: string }[]): string {
  return feedback.map((f) =>
    `Review by ${f.reviewer} (changes requested):\n${
      f.feedback.trim() === "" ? "(the reviewer requested changes without details)" : f.feedback.trim()
    }`
  ).join("\n\n");
}

/** The reviewer name recorded with the host's review result: the panel's members (`codex+claude-code`). */
export function panelName(reviewers: readonly string[]): string {
  return reviewers.join("+");
}
