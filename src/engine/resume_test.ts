import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { newWpState } from "../core/lifecycle_rules.ts";
import { newRunState } from "../core/new_run_state.ts";
import type { RunState, WpRunState } from "../domain/run_state.ts";
import { FakeGit } from "../../test/support/fakes.ts";
import { harness, TEST_POLICY } from "../../test/support/harness.ts";

const WS = "/repo/.worktrees/001-demo-lane-wp01";

function savedState(wp: Partial<WpRunState>): RunState {
  const state = newRunState({
    runId: "20260101T000000Z-abcd",
    mission: "001-demo",
    actor: "orch",
    policy: TEST_POLICY,
    flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
  });
  state.status = "interrupted";
  state.wps.WP01 = { ...newWpState("WP01", "default"), ...wp };
  return state;
}

async function gitWithCommit(): Promise<FakeGit> {
  const git = new FakeGit();
  await git.ensureWorkspace("/repo", {
    workspacePath: WS,
    laneBranch: "kitty/mission-001-demo-lane-wp01",
    fallbackBranch: "x",
  });
  git.touch(WS);
  await git.commitGate(WS, null, "base0");
  return git;
}

Deno.test("resume adopts an in_progress WP it has never touched by re-claiming it (host no-op)", async () => {
  const h = harness([{ id: "WP01", lane: "in_progress", deps: [], claimedBy: "orch" }]);
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), [
    "start-implementation",
    "transition:for_review",
    "start-review",
    "transition:done",
  ]);
});

Deno.test("resume adopts our in_progress WP read-only and keeps commits made before the crash", async () => {
  const git = await gitWithCommit();
  const state = savedState({
    phase: "implementing",
    implementation_base: "base0",
    implement_failures: 1,
    workspace_path: WS,
  });
  const h = harness([{ id: "WP01", lane: "in_progress", deps: [], claimedBy: "orch" }], { state, git });
  h.runner.plan("WP01", "implement", { write: false });
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), ["transition:for_review", "start-review", "transition:done"]);
  assertEquals(h.host.callCounts()["resolve-workspace"], 1);
});

Deno.test("resume adopts a for_review WP straight into review", async () => {
  const git = await gitWithCommit();
  const h = harness([{ id: "WP01", lane: "for_review", deps: [] }], {
    state: savedState({ phase: "awaiting_review", implementation_base: "base0" }),
    git,
  });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), ["start-review", "transition:done"]);
  assertEquals(h.host.callCounts()["resolve-workspace"], 1);
  assertEquals(h.runner.specs.map((s) => s.role), ["review"]);
});

Deno.test("resume re-runs a review we started (in_review, our review_ref) without forcing", async () => {
  const git = await gitWithCommit();
  const h = harness([{ id: "WP01", lane: "in_review", deps: [], reviewRef: "review-WP01-cycle1-aaaaaaaa" }], {
    state: savedState({ phase: "reviewing", implementation_base: "base0", review_ref: "review-WP01-cycle1-aaaaaaaa" }),
    git,
  });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), ["transition:done"]);
  const done = h.host.calls.find((c) => c.to === "done")!.input as Record<string, unknown>;
  assertEquals(done.reviewRef, "review-WP01-cycle1-aaaaaaaa");
  assertEquals(done.force, undefined);
  assertStringIncludes(h.runner.specs[0]!.prompt, "diff base0..");
});

Deno.test("resume continues a rework with the saved feedback and keeps review_cycles", async () => {
  const git = await gitWithCommit();
  const h = harness([{ id: "WP01", lane: "in_progress", deps: [], claimedBy: "orch" }], {
    state: savedState({
      phase: "rework",
      implementation_base: "base0",
      review_cycles: 1,
      review_feedback: "Add tests.",
    }),
    git,
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertStringIncludes(h.runner.specs[0]!.prompt, "feedback: Add tests.");
  assertEquals(summary.wps[0]!.review_cycles, 1);
});
