import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { consensusVerdict, mergedFeedback, panelName } from "./consensus.ts";
import type { ReviewVote } from "../domain/run_state.ts";

const vote = (reviewer: string, verdict: ReviewVote["verdict"]): ReviewVote => ({ reviewer, verdict });
const ONE_REJECTS = [vote("codex", "approved"), vote("claude-code", "changes_requested"), vote("qwen", "approved")];

Deno.test("consensusVerdict() with one rejecting reviewer: all rejects, any and majority approve", () => {
  const verdict = (rule: "all" | "any" | "majority") => {
    const o = consensusVerdict(rule, ONE_REJECTS);
    return o.kind === "verdict" ? o.verdict : o.kind;
  };
  assertEquals(verdict("all"), "changes_requested");
  assertEquals(verdict("any"), "approved");
  assertEquals(verdict("majority"), "approved");
  const two = [vote("codex", "approved"), vote("claude-code", "changes_requested")];
  // A tie is no majority.
  assertEquals((consensusVerdict("majority", two) as { verdict: string }).verdict, "changes_requested");
  assertEquals((consensusVerdict("any", two) as { verdict: string }).verdict, "approved");
  assertEquals(
    consensusVerdict("all", ONE_REJECTS),
    {
      kind: "verdict",
      verdict: "changes_requested",
      summary: "all: codex approved, claude-code changes_requested, qwen approved",
    },
  );
});

Deno.test("consensusVerdict(): a reviewer without a verdict fails 'all' and is left out of 'any'/'majority'", () => {
  const votes = [vote("codex", "approved"), vote("claude-code", null)];
  const all = consensusVerdict("all", votes);
  assertEquals(all.kind, "no_verdict");
  assertStringIncludes((all as { reason: string }).reason, "claude-code gave no verdict");
  assertEquals((consensusVerdict("any", votes) as { verdict: string }).verdict, "approved");
  assertEquals((consensusVerdict("majority", votes) as { verdict: string }).verdict, "approved");
  assertEquals(consensusVerdict("majority", [vote("a", null), vote("b", null)]).kind, "no_verdict");
});

Deno.test("mergedFeedback() names each rejecting reviewer; panelName() joins the panel", () => {
  assertEquals(
    mergedFeedback([{ reviewer: "codex", feedback: "Add tests.\n" }, { reviewer: "claude-code", feedback: " " }]),
    "Review by codex (changes requested):\nAdd tests.\n\n" +
      "Review by claude-code (changes requested):\n(the reviewer requested changes without details)",
  );
  assertEquals(panelName(["codex", "claude-code"]), "codex+claude-code");
});
