/**
 * A WP stopped by an agent that cannot run (auth, model not found, config) is moved to blocked
 * with the agent's error, recorded as ours, and a later run after the fix takes it up again
 * (`unblock.ts`) and finishes it without redoing work that was done.
 */
import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { WorkspaceError } from "../domain/git.ts";
import { prepareForResume } from "../core/lifecycle_rules.ts";
import { FakeGit } from "../../test/support/fakes.ts";
import { harness } from "../../test/support/harness.ts";
import { blockedToRetry, takeUpBlocked } from "../core/unblock.ts";

const MODEL = { failure: { class: "model_not_found" as const, message: "Model not found: nope/nope" } };

Deno.test("a reviewer without a model blocks the WP from in_review; the next run retries only the review", async () => {
  const first = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  first.runner.plan("WP01", "review", MODEL);
  first.runner.plan("WP01", "review", MODEL);
  const run1 = await first.engine.run();
  assertEquals(run1.exitCode, 3);
  assertEquals(first.host.lane("WP01"), "blocked");
  const wp = first.store.last!.wps.WP01!;
  assertEquals(wp.outcome?.kind, "blocked");
  assertEquals(wp.stop_cause?.kind, "agent_config");
  assertStringIncludes(run1.summary.wps[0]!.reason, "Model not found: nope/nope");
  assertStringIncludes(run1.summary.next_steps.join("\n"), "WP01: fix rev-b (model not found");
  assertStringIncludes(run1.summary.next_steps.join("\n"), "resume --mission 001-demo");

  // The user fixed the model and re-ran: the WP is moved back and only reviewed.
  const state = structuredClone(first.store.last!);
  for (const [id, w] of Object.entries(state.wps)) state.wps[id] = prepareForResume(w);
  const lanes = new Map([["WP01", first.host.lane("WP01")]]);
  const taken = await takeUpBlocked(first.host, state, blockedToRetry(state, lanes, false));
  assertEquals(taken.map((t) => t.ok), [true]);
  assertEquals(first.host.lane("WP01"), "in_progress");
  const second = harness([], { host: first.host, git: first.git, state });
  const run2 = await second.engine.run();
  assertEquals(run2.exitCode, 0, run2.summary.next_steps.join("\n"));
  assertEquals(second.host.lane("WP01"), "done");
  assertEquals(second.runner.specs.map((s) => s.role), ["review"], "the commit is resubmitted, not re-implemented");
});

Deno.test("an implementer that is not logged in blocks the WP with the reason recorded; a crash does not", async () => {
  const auth = { failure: { class: "auth" as const, message: "Not logged in. Run claude login" } };
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", auth, auth);
  const crash = { failure: { class: "crash" as const, message: "segfault" } };
  h.runner.plan("WP02", "implement", crash, crash, crash, crash);
  const run = await h.engine.run();
  assertEquals(run.exitCode, 3);
  assertEquals([h.host.lane("WP01"), h.host.lane("WP02")], ["blocked", "blocked"]);
  assertEquals(h.store.last!.wps.WP01!.stop_cause?.kind, "agent_config");
  assertEquals(h.store.last!.wps.WP02!.stop_cause, null, "a crash is not a configuration problem");
  const text = run.summary.next_steps.join("\n");
  assertStringIncludes(text, "WP01: fix impl-b (auth: Not logged in. Run claude login)");
  assertStringIncludes(text, "WP02 blocked: resolve what the reason says (a plain re-run leaves these alone)");
  assertStringIncludes(text, "resume --mission 001-demo --retry-blocked");
});

Deno.test("a worktree on the wrong lane branch fails the WP with the checkout to run named in the next steps", async () => {
  const git = new FakeGit();
  git.ensureWorkspace = () =>
    Promise.reject(
      new WorkspaceError("Cannot use workspace /repo/.worktrees/w as it must be on lane branch 'lane-a'", {
        wrongBranch: { workspace: "/repo/.worktrees/w", branch: "lane-a" },
      }),
    );
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { git });
  const run = await h.engine.run();
  assertEquals(run.exitCode, 3);
  assertEquals(h.store.last!.wps.WP01!.stop_cause?.kind, "wrong_branch");
  const text = run.summary.next_steps.join("\n");
  assertStringIncludes(text, "WP01: put the worktree back on its branch: git -C /repo/.worktrees/w checkout lane-a");
  assertStringIncludes(text, "then retry WP01: spec-kitty-orchestrator resume --mission 001-demo");
});
