/** Consensus review at the engine level: panels under all/any/majority with one rejecting reviewer. */
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import type { ConsensusRule } from "../domain/config.ts";
import type { TransitionInput } from "../domain/host.ts";
import type { FakeAttempt, FakeRunner } from "../../test/support/fakes.ts";
import type { FakeHost } from "../../test/support/fake_host.ts";
import { harness, testPipeline, testStage } from "../../test/support/harness.ts";

const APPROVE: FakeAttempt = { message: "Looks good.\nVERDICT: APPROVED" };
const reject = (why: string): FakeAttempt => ({ message: `${why}\nVERDICT: CHANGES_REQUESTED` });

/** Each reviewer answers from its own queue (a panel's reviewers share the WP's script otherwise). */
function byReviewer(runner: FakeRunner, answers: Record<string, FakeAttempt[]>): void {
  const run = runner.run.bind(runner);
  runner.run = (spec, signal) => {
    const next = spec.role === "review" ? answers[spec.agentId]?.shift() : undefined;
    if (next !== undefined) runner.script.set(`${spec.wp}:review`, [next]);
    return run(spec, signal);
  };
}

/** The input of the first transition of WP01 to `to`. */
function transition(host: FakeHost, to: string): TransitionInput {
  const call = host.calls.find((c) => c.command === "transition" && c.to === to);
  assert(call !== undefined, `no transition to ${to}`);
  return call.input as TransitionInput;
}

function panel(require: ConsensusRule, parallel = false) {
  return testPipeline({
    review: { ...testStage(["rev-a", "rev-b", "rev-c"]), consensus: { require, parallel } },
  });
}

Deno.test("consensus require all: one rejection sends the WP back with one brief naming the reviewer", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { pipeline: panel("all") });
  byReviewer(h.runner, {
    "rev-a": [APPROVE, APPROVE],
    "rev-b": [reject("Add tests."), APPROVE],
    "rev-c": [APPROVE, APPROVE],
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(h.host.lane("WP01"), "done");
  // Sequential by default, each reviewer its own attempt and log.
  const reviews = h.runner.specs.filter((s) => s.role === "review");
  assertEquals(reviews.map((s) => s.agentId), ["rev-a", "rev-b", "rev-c", "rev-a", "rev-b", "rev-c"]);
  assertEquals(new Set(reviews.map((s) => s.logPath)).size, 6);
  assertEquals(h.runner.maxPerWorkspace, 1);
  const rework = h.runner.specs.filter((s) => s.role === "implement")[1]!;
  assertStringIncludes(rework.prompt, "Review by rev-b (changes requested):\nAdd tests.");
  assertEquals(rework.prompt.includes("rev-a (changes"), false);
  const back = transition(h.host, "in_progress");
  assertStringIncludes(back.note!, "consensus (require all; rev-a approved, rev-b changes_requested");
  assertEquals(back.reviewResult!.reviewer, "rev-a+rev-b+rev-c");
  assertEquals(back.reviewResult!.verdict, "changes_requested");
  const done = transition(h.host, "done");
  assertEquals(done.evidence!.review.reviewer, "rev-a+rev-b+rev-c");
  // Each entry in the host's verification shape (command, result, summary: strings).
  const verification = done.evidence!.verification as { command: string; result: string; summary: string }[];
  assertEquals(verification.map((v) => `${v.command}:${v.result}`), [
    "review:rev-a:pass",
    "review:rev-b:pass",
    "review:rev-c:pass",
  ]);
  assertStringIncludes(verification[1]!.summary, "rev-b: approved (consensus review review-WP01-cycle2-");
  assertEquals(summary.wps[0]!.reviews?.map((r) => `${r.reviewer}:${r.verdict}`), [
    "rev-a:approved",
    "rev-b:approved",
    "rev-c:approved",
  ]);
});

for (const rule of ["any", "majority"] as const) {
  Deno.test(`consensus require ${rule}: one rejection of three still approves, reviewers at once`, async () => {
    const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { pipeline: panel(rule, true) });
    byReviewer(h.runner, { "rev-a": [APPROVE], "rev-b": [reject("Nit.")], "rev-c": [APPROVE] });
    const { exitCode, summary } = await h.engine.run();
    assertEquals(exitCode, 0, JSON.stringify(summary.wps));
    assertEquals(h.host.lane("WP01"), "done");
    assertEquals(h.runner.specs.filter((s) => s.role === "review").length, 3);
    // parallel: true: the three reviewers ran in the worktree at the same time.
    assertEquals(h.runner.maxPerWorkspace, 3);
    const done = transition(h.host, "done");
    assertStringIncludes(done.note!, `consensus (require ${rule}): rev-a approved, rev-b changes_requested`);
    assertEquals(summary.wps[0]!.review_cycles, 0);
  });
}

Deno.test("consensus: a reviewer with no verdict fails 'all' (WP stays in_review) and is left out of 'majority'", async () => {
  const broken: FakeAttempt = { message: "I could not decide." };
  const all = harness([{ id: "WP01", lane: "planned", deps: [] }], { pipeline: panel("all") });
  byReviewer(all.runner, { "rev-a": [APPROVE], "rev-b": [broken, broken], "rev-c": [APPROVE] });
  const failed = await all.engine.run();
  assertEquals(failed.exitCode, 3);
  assertEquals(failed.summary.wps[0]!.outcome, "failed");
  assertStringIncludes(failed.summary.wps[0]!.reason, "require all) cannot hold: rev-b gave no verdict");
  assertEquals(all.host.lane("WP01"), "in_review");
  // rev-b had its own retries (max_attempts 2) and never fell back to another panel member.
  assertEquals(all.runner.specs.filter((s) => s.agentId === "rev-b").length, 2);

  const majority = harness([{ id: "WP01", lane: "planned", deps: [] }], { pipeline: panel("majority") });
  byReviewer(majority.runner, { "rev-a": [APPROVE], "rev-b": [broken, broken], "rev-c": [reject("No.")] });
  const tie = await majority.engine.run();
  // One approval of two verdicts given is no majority: rejected, reworked, then approved by all three.
  assert(tie.summary.wps[0]!.review_cycles >= 1, JSON.stringify(tie.summary.wps));
  assertEquals(tie.summary.wps[0]!.outcome, "done");
});

Deno.test("review without require keeps the fallback chain: the first reviewer with a verdict decides", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ review: testStage(["rev-a", "rev-b"], { maxAttempts: 1 }) }),
  });
  byReviewer(h.runner, { "rev-a": [{ failure: { class: "crash", message: "boom" } }], "rev-b": [APPROVE] });
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.runner.specs.filter((s) => s.role === "review").map((s) => s.agentId), ["rev-a", "rev-b"]);
  const done = transition(h.host, "done");
  assertEquals(done.evidence, {
    review: { reviewer: "rev-b", verdict: "approved", reference: done.reviewResult!.reference },
  });
});
