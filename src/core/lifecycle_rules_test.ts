import { assertEquals, assertMatch } from "../../test/support/assert.ts";
import type { AttemptRecord } from "../domain/run_state.ts";
import {
  afterReviewVerdict,
  agentStopCause,
  configStopCause,
  newReviewRef,
  newWpState,
  noteText,
  prepareForResume,
  prepareForRetry,
  reviewEvidence,
  reviewResult,
} from "./lifecycle_rules.ts";

Deno.test("afterReviewVerdict() approves on an approved verdict whatever the cycle count", () => {
  assertEquals(afterReviewVerdict("approved", 5, 2), { kind: "approve" });
});

Deno.test("afterReviewVerdict() reworks up to max_review_cycles rejections, then blocks", () => {
  assertEquals(afterReviewVerdict("changes_requested", 0, 2), { kind: "rework", cycles: 1 });
  assertEquals(afterReviewVerdict("changes_requested", 1, 2), { kind: "rework", cycles: 2 });
  assertEquals(afterReviewVerdict("changes_requested", 2, 2), {
    kind: "block",
    cycles: 3,
    reason: "review rejected 3 times; max_review_cycles is 2",
  });
});

Deno.test("afterReviewVerdict() with max_review_cycles 0 blocks on the first rejection", () => {
  assertEquals(afterReviewVerdict("changes_requested", 0, 0).kind, "block");
});

Deno.test("newReviewRef() is deterministic for a given random source", () => {
  assertEquals(newReviewRef("WP01", 2, () => 0.5), "review-WP01-cycle2-88888888");
  assertMatch(newReviewRef("WP07", 1, Math.random), /^review-WP07-cycle1-[0-9a-f]{8}$/);
});

Deno.test("reviewEvidence() mirrors the review result exactly", () => {
  const r = reviewResult("codex", "approved", "ref-1");
  assertEquals(reviewEvidence(r), { review: { reviewer: "codex", verdict: "approved", reference: "ref-1" } });
});

Deno.test("noteText() trims and caps", () => {
  assertEquals(noteText("  hi  "), "hi");
  assertEquals(noteText("abcdef", 4), "abc…");
});

Deno.test("prepareForResume() retries failed WPs with fresh chains but keeps review cycles", () => {
  const wp = {
    ...newWpState("WP01", "default"),
    phase: "finished" as const,
    outcome: { kind: "failed" as const, reason: "x", at: "t" },
    implement_agent_index: 2,
    implement_failures: 3,
    review_cycles: 2,
  };
  const out = prepareForResume(wp);
  assertEquals(out.outcome, null);
  assertEquals(out.phase, "pending");
  assertEquals(out.implement_agent_index, 0);
  assertEquals(out.implement_failures, 0);
  assertEquals(out.review_cycles, 2);
});

Deno.test("prepareForResume() keeps done/blocked outcomes and interrupted chain positions", () => {
  const done = { ...newWpState("WP01", "d"), outcome: { kind: "done" as const, reason: "", at: "" } };
  assertEquals(prepareForResume(done), done);
  const mid = { ...newWpState("WP02", "d"), phase: "implementing" as const, implement_agent_index: 1 };
  assertEquals(prepareForResume(mid), mid);
});

function attempt(role: AttemptRecord["role"], result: AttemptRecord["result"], agent = "claude-code"): AttemptRecord {
  return {
    n: 1,
    role,
    agent,
    started_at: "t",
    duration_ms: 1,
    result,
    exit_code: 1,
    signal: null,
    cost_usd: null,
    tokens: null,
    log_path: "l",
    message: result === "ok" ? null : `${agent} says ${result}`,
    verdict: null,
  };
}

Deno.test("configStopCause() records auth/model/config failures of the role's last attempt only", () => {
  const wp = newWpState("WP01", "default");
  assertEquals(configStopCause(wp, "review"), null, "no attempt");
  wp.attempts.push(attempt("implement", "ok"), attempt("review", "model_not_found", "opencode"));
  assertEquals(configStopCause(wp, "review"), {
    kind: "agent_config",
    role: "review",
    agent: "opencode",
    failure_class: "model_not_found",
    message: "opencode says model_not_found",
  });
  assertEquals(configStopCause(wp, "implement"), null, "the implementer succeeded");
  wp.attempts.push(attempt("review", "timeout", "codex"));
  assertEquals(configStopCause(wp, "review"), null, "the stage ended on a timeout: not a configuration problem");
  for (const cls of ["auth", "config"] as const) {
    wp.attempts.push(attempt("review", cls, "codex"));
    assertEquals(configStopCause(wp, "review")?.failure_class, cls);
  }
});

Deno.test("prepareForRetry() resubmits the commit of a WP whose reviewer could not run", () => {
  const wp = {
    ...newWpState("WP01", "default"),
    phase: "finished" as const,
    outcome: { kind: "blocked" as const, reason: "review could not run", at: "t" },
    review_ref: "review-WP01-cycle1-aaaaaaaa",
    review_agent_index: 1,
    review_failures: 2,
    attempts: [attempt("implement", "ok"), attempt("review", "model_not_found", "opencode")],
    stop_cause: configStopCause(
      { ...newWpState("WP01", "default"), attempts: [attempt("review", "model_not_found", "opencode")] },
      "review",
    ),
  };
  const next = prepareForRetry(wp);
  assertEquals(next.outcome, null);
  assertEquals(next.phase, "awaiting_review");
  assertEquals(next.stop_cause, null);
  assertEquals(next.review_ref, null);
  assertEquals([next.review_agent_index, next.review_failures], [0, 0]);
});

Deno.test("prepareForRetry() reworks a WP with review feedback and restarts any other; review cycles survive", () => {
  const rejected = {
    ...newWpState("WP01", "default"),
    phase: "finished" as const,
    outcome: { kind: "blocked" as const, reason: "review rejected 3 times", at: "t" },
    review_cycles: 3,
    review_feedback: "fix the tests",
  };
  const retried = prepareForRetry(rejected);
  assertEquals([retried.phase, retried.review_cycles, retried.review_feedback], ["rework", 3, "fix the tests"]);
  const implementer = {
    ...newWpState("WP02", "default"),
    phase: "finished" as const,
    outcome: { kind: "blocked" as const, reason: "implementation failed", at: "t" },
    attempts: [attempt("implement", "auth")],
    implement_failures: 1,
  };
  implementer.stop_cause = configStopCause(implementer, "implement");
  const again = prepareForRetry(implementer);
  assertEquals([again.phase, again.implement_failures, again.stop_cause], ["pending", 0, null]);
});

Deno.test("agentStopCause() records a spent rate-limit budget as agent_transient; prepareForRetry() gives a fresh budget", () => {
  const wp = {
    ...newWpState("WP01", "default"),
    implement_wait_ms: 1_800_000,
    review_wait_ms: 5_000,
    attempts: [{ ...attempt("implement", "rate_limit"), message: "API Error: 429" }],
  };
  const cause = agentStopCause(wp, "implement");
  assertEquals(cause, {
    kind: "agent_transient",
    role: "implement",
    agent: "claude-code",
    failure_class: "rate_limit",
    message: "API Error: 429",
  });
  assertEquals(agentStopCause({ ...wp, attempts: [{ ...wp.attempts[0]!, result: "crash" }] }, "implement"), null);
  const next = prepareForRetry({ ...wp, stop_cause: cause });
  assertEquals([next.implement_wait_ms, next.review_wait_ms, next.stop_cause], [0, 0, null]);
});

Deno.test("reviewEvidence() lists a consensus panel's reviewers as the host's verification entries", () => {
  const result = reviewResult("a+b+c", "approved", "review-WP01-cycle1-00000000");
  assertEquals(reviewEvidence(result), { review: { ...result } });
  const evidence = reviewEvidence(result, [
    { reviewer: "a", verdict: "approved" },
    { reviewer: "b", verdict: "changes_requested" },
    { reviewer: "c", verdict: null },
  ]);
  assertEquals(evidence.review, { ...result });
  assertEquals(evidence.verification, [
    { command: "review:a", result: "pass", summary: "a: approved (consensus review review-WP01-cycle1-00000000)" },
    {
      command: "review:b",
      result: "fail",
      summary: "b: changes_requested (consensus review review-WP01-cycle1-00000000)",
    },
    { command: "review:c", result: "skip", summary: "c: no verdict (consensus review review-WP01-cycle1-00000000)" },
  ]);
});
