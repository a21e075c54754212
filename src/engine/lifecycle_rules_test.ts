import { assertEquals, assertMatch } from "../../test/assert.ts";
import {
  afterReviewVerdict,
  newReviewRef,
  newWpState,
  noteText,
  prepareForResume,
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
