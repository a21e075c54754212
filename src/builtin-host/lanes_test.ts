import { assert, assertEquals } from "../../test/support/assert.ts";
import { ALL_LANES, decideTransition, EDGES, isLegalEdge, normalizeLane, type TransitionRequest } from "./lanes.ts";

const APPROVED = { reviewer: "bot", verdict: "approved", reference: "review/WP01/1" };
const REJECTED = { reviewer: "bot", verdict: "changes_requested", reference: "review/WP01/1" };

/** A request that satisfies every guard, so only edge legality decides. */
function full(from: string, to: string, extra: Partial<TransitionRequest> = {}): TransitionRequest {
  return {
    from,
    to,
    actor: "orch",
    force: false,
    reason: "because",
    reviewRef: "review/WP01/1",
    reviewResult: APPROVED,
    evidence: { review: { ...APPROVED } },
    subtasksComplete: true,
    implementationEvidence: true,
    ...extra,
  };
}

function message(req: TransitionRequest): string {
  const decision = decideTransition(req);
  assert(!decision.ok, `expected a rejection for ${req.from} -> ${req.to}`);
  return decision.message;
}

Deno.test("decideTransition() allows exactly the edges of the table when guards are satisfied", () => {
  for (const from of ALL_LANES) {
    for (const to of ALL_LANES) {
      const decision = decideTransition(full(from, to));
      const expected = to !== "genesis" && (EDGES[from] ?? []).includes(to);
      assertEquals(decision.ok, expected, `${from} -> ${to}`);
      if (!decision.ok && to !== "genesis") assertEquals(decision.message, `Illegal transition: ${from} -> ${to}`);
    }
  }
});

Deno.test("decideTransition() treats uninitialized as genesis", () => {
  assert(decideTransition(full("uninitialized", "planned")).ok);
  assertEquals(message(full("uninitialized", "claimed")), "Illegal transition: genesis -> claimed");
});

Deno.test("decideTransition() force bypasses edges and guards but needs a note and never targets genesis", () => {
  for (const from of ALL_LANES) {
    for (const to of ALL_LANES) {
      const req = full(from, to, { force: true, reviewResult: null, evidence: null, subtasksComplete: false });
      assertEquals(decideTransition(req).ok, to !== "genesis", `${from} -> ${to}`);
    }
  }
  assertEquals(
    message(full("done", "in_progress", { force: true, reason: " " })),
    "Force transitions require an actor and a non-empty reason (--note)",
  );
  assertEquals(message(full("done", "in_progress", { force: true, reason: null })).startsWith("Force"), true);
});

Deno.test("decideTransition() rejects unknown lanes", () => {
  assertEquals(message(full("planned", "doing")).startsWith("Unknown lane 'doing'"), true);
});

Deno.test("decideTransition() requires an actor for planned->claimed and for_review->in_review", () => {
  assertEquals(message(full("planned", "claimed", { actor: "" })), "Transition planned -> claimed requires an actor");
  assertEquals(
    message(full("for_review", "in_review", { actor: " " })),
    "Transition for_review -> in_review requires an actor",
  );
});

Deno.test("decideTransition() in_progress->for_review needs subtasks complete then implementation evidence", () => {
  assertEquals(
    message(full("in_progress", "for_review", { subtasksComplete: false })),
    "Transition in_progress -> for_review requires completed subtasks or force with reason",
  );
  assertEquals(
    message(full("in_progress", "for_review", { implementationEvidence: false })),
    "Transition in_progress -> for_review requires implementation evidence or force with reason",
  );
});

Deno.test("decideTransition() in_progress->approved and approved->done need approved review evidence", () => {
  for (const from of ["in_progress", "approved"]) {
    const to = from === "approved" ? "done" : "approved";
    const expected = `Transition ${from} -> ${to} requires review evidence (reviewer, reference, verdict 'approved')`;
    assertEquals(message(full(from, to, { evidence: null })), expected);
    assertEquals(message(full(from, to, { evidence: { review: { ...REJECTED } } })), expected);
    assertEquals(message(full(from, to, { evidence: { review: { reviewer: "bot" } } })), expected);
  }
});

Deno.test("decideTransition() in_progress->planned needs a reason", () => {
  assertEquals(
    message(full("in_progress", "planned", { reason: "" })),
    "Transition in_progress -> planned requires a reason (--note)",
  );
});

Deno.test("decideTransition() approved->in_progress/planned need a review ref", () => {
  assertEquals(
    message(full("approved", "in_progress", { reviewRef: null })),
    "Transition approved -> in_progress requires review_ref",
  );
  assertEquals(
    message(full("approved", "planned", { reviewRef: "" })),
    "Transition approved -> planned requires review_ref",
  );
});

Deno.test("decideTransition() needs a review result on every in_review exit", () => {
  for (const to of EDGES.in_review ?? []) {
    assertEquals(
      message(full("in_review", to, { reviewResult: null })),
      "Transition from in_review requires review_result (structured review outcome)",
    );
  }
});

Deno.test("decideTransition() in_review: review ref must equal the result reference", () => {
  assertEquals(
    message(full("in_review", "in_progress", { reviewRef: "other" })),
    "review_ref 'other' must match review_result reference 'review/WP01/1'",
  );
  assert(decideTransition(full("in_review", "in_progress", { reviewRef: null, reviewResult: REJECTED })).ok);
});

Deno.test("decideTransition() in_review->approved/done: evidence must match the result and approve", () => {
  for (const to of ["approved", "done"]) {
    const mismatch = { review: { ...APPROVED, reviewer: "someone-else" } };
    assertEquals(message(full("in_review", to, { evidence: mismatch })), "Review evidence must match review_result");
    assertEquals(message(full("in_review", to, { evidence: {} })), "Review evidence must match review_result");
    assertEquals(
      message(full("in_review", to, { evidence: null, reviewResult: REJECTED })),
      `Transition in_review -> ${to} requires an approved review: review_result verdict is 'changes_requested'`,
    );
    assert(decideTransition(full("in_review", to, { evidence: null })).ok, "result alone approves");
  }
  assert(decideTransition(full("in_review", "in_progress", { reviewResult: REJECTED, evidence: null })).ok);
});

Deno.test("normalizeLane() lower-cases and maps doing", () => {
  assertEquals(normalizeLane("Doing"), "in_progress");
  assertEquals(normalizeLane("FOR_REVIEW"), "for_review");
});

Deno.test("isLegalEdge() knows terminal lanes", () => {
  assertEquals(isLegalEdge("done", "in_progress"), false);
  assertEquals(isLegalEdge("canceled", "planned"), false);
  assertEquals(isLegalEdge("blocked", "in_progress"), true);
});
