import { assertEquals } from "../../test/support/assert.ts";
import { newWpState } from "../core/lifecycle_rules.ts";
import type { AttemptRecord } from "../domain/run_state.ts";
import { committedBeforeCrash, recordedApproval } from "./wp_steps.ts";

const attempt = (role: AttemptRecord["role"], result: AttemptRecord["result"]): AttemptRecord => ({
  n: 1,
  role,
  agent: "claude-code",
  started_at: "2026-11-21T00:00:00Z",
  duration_ms: 1,
  result,
  exit_code: 0,
  signal: null,
  cost_usd: null,
  tokens: null,
  log_path: "/x.log",
  message: null,
  verdict: null,
});

Deno.test("committedBeforeCrash() is true only after an accepted implementation that was not yet submitted", () => {
  const wp = newWpState("WP01", "default");
  assertEquals(committedBeforeCrash(wp), false, "nothing ran yet");
  wp.attempts.push(attempt("implement", "ok"));
  wp.phase = "implementing";
  assertEquals(committedBeforeCrash(wp), false, "the commit gate has not accepted it");
  wp.phase = "awaiting_review";
  assertEquals(committedBeforeCrash(wp), true);
  wp.attempts.push(attempt("review", "model_not_found"));
  assertEquals(committedBeforeCrash(wp), true, "a reviewer that could not run reviewed nothing");
  wp.attempts.push(attempt("review", "interrupted"));
  assertEquals(committedBeforeCrash(wp), false, "a review already started: the lane moved on");
  wp.attempts.push(attempt("implement", "interrupted"));
  assertEquals(committedBeforeCrash(wp), false, "an interrupted implementer must run again");
});

Deno.test("recordedApproval() reuses only an approval recorded under our review reference", () => {
  const wp = newWpState("WP01", "default");
  wp.attempts.push({ ...attempt("review", "ok"), agent: "codex", verdict: "approved" });
  assertEquals(recordedApproval(wp), null, "no review reference: the review was not ours");
  wp.review_ref = "review-WP01-cycle1-abcd1234";
  assertEquals(recordedApproval(wp), { ok: true, agent: "codex", value: { verdict: "approved", feedback: "" } });
  wp.attempts.push({ ...attempt("review", "ok"), verdict: "changes_requested" });
  assertEquals(recordedApproval(wp), null, "a rejection is decided again");
  wp.attempts.push({ ...attempt("review", "interrupted") });
  assertEquals(recordedApproval(wp), null);
});
