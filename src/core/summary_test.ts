import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { newWpState } from "./lifecycle_rules.ts";
import { newRunState } from "./new_run_state.ts";
import type { WpOutcomeKind } from "../domain/run_state.ts";
import { buildSummary, type SummaryInput } from "./summary.ts";
import { TEST_POLICY } from "../../test/support/harness.ts";

function input(outcomes: (WpOutcomeKind | null)[], extra: Partial<SummaryInput> = {}): SummaryInput {
  const state = newRunState({
    runId: "r",
    mission: "001-demo",
    actor: "a",
    policy: TEST_POLICY,
    flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
  });
  outcomes.forEach((kind, i) => {
    const id = `WP0${i + 1}`;
    state.wps[id] = {
      ...newWpState(id, "default"),
      outcome: kind === null ? null : { kind, reason: `${kind} reason`, at: "t" },
    };
  });
  return {
    state,
    lanes: new Map(),
    finishedAt: "t",
    hostCalls: {},
    interruptedBy: null,
    fatal: null,
    mergeCommand: "spec-kitty merge --mission 001-demo",
    acceptance: null,
    ...extra,
  };
}

Deno.test("buildSummary() exit codes: 0 done/approved, 3 incomplete, 1 fatal, 130/143 interrupted", () => {
  assertEquals(buildSummary(input(["done", "approved"])).exit_code, 0);
  assertEquals(buildSummary(input(["done", "blocked"])).exit_code, 3);
  assertEquals(buildSummary(input(["done", "skipped"])).exit_code, 3);
  assertEquals(buildSummary(input(["done", null], { fatal: "host gone" })).exit_code, 1);
  assertEquals(buildSummary(input(["done", null], { interruptedBy: "SIGINT" })).exit_code, 130);
  assertEquals(buildSummary(input(["done", null], { interruptedBy: "SIGTERM" })).exit_code, 143);
  assertEquals(buildSummary(input(["done"], { acceptance: { ok: false, detail: "x" } })).exit_code, 3);
});

Deno.test("buildSummary() tells the truth about what is left", () => {
  const done = buildSummary(input(["done"]));
  assertEquals(done.next_steps, [
    "merge (lane branches are ready but NOT merged): spec-kitty merge --mission 001-demo",
  ]);
  const partial = buildSummary(input(["done", "blocked"]));
  assertStringIncludes(partial.next_steps.join("\n"), "WP02 blocked (lane unknown): blocked reason");
  assertStringIncludes(partial.next_steps.join("\n"), "NOT merged");
  // A plain resume does not retry a WP blocked by review rejections or a person: the step names
  // the flag that does, and a plain resume only for the WPs it retries.
  assertEquals(partial.next_steps.some((s) => s.includes("resume --mission 001-demo (")), false);
  assertStringIncludes(
    partial.next_steps.join("\n"),
    "WP02 blocked: resolve what the reason says (a plain re-run leaves these alone), then retry with: " +
      "spec-kitty-orchestrator resume --mission 001-demo --retry-blocked",
  );
  const failed = buildSummary(input(["failed", "blocked"]));
  assertStringIncludes(
    failed.next_steps.join("\n"),
    "then retry WP01: spec-kitty-orchestrator resume --mission 001-demo (or re-run the orchestrate command)",
  );
  const unfinished = buildSummary(input([null]));
  assertEquals(unfinished.wps[0]!.outcome, "unfinished");
});

Deno.test("buildSummary() names the fix and the command that acts for config blocks, wrong branches, lane allocation", () => {
  const i = input(["blocked", "failed", "failed"]);
  i.state.wps.WP01!.stop_cause = {
    kind: "agent_config",
    role: "review",
    agent: "opencode",
    failure_class: "model_not_found",
    message: "Model not found: nope/nope",
  };
  i.state.wps.WP02!.stop_cause = {
    kind: "wrong_branch",
    workspace: "/r/.worktrees/m-lane-b",
    branch: "kitty/mission-m-lane-b",
    message: "Refusing to commit",
  };
  i.state.wps.WP03!.stop_cause = { kind: "lane_allocation", workspace: "/r/.worktrees/m-lane-c", message: "dirty" };
  const steps = buildSummary(i).next_steps;
  const text = steps.join("\n");
  assertStringIncludes(
    text,
    "WP01: fix opencode (model not found: Model not found: nope/nope); re-running then retries it",
  );
  assertStringIncludes(
    text,
    "WP02: put the worktree back on its branch: git -C /r/.worktrees/m-lane-b checkout kitty/mission-m-lane-b",
  );
  assertStringIncludes(
    text,
    "WP03: the host could not allocate its lane worktree; inspect git -C /r/.worktrees/m-lane-c status",
  );
  assertStringIncludes(text, "then retry WP01, WP02, WP03: spec-kitty-orchestrator resume --mission 001-demo");
  // The config-blocked WP is retried by a plain resume: no --retry-blocked for it.
  assertEquals(text.includes("--retry-blocked"), false);
});

Deno.test("buildSummary() of an interrupted run names the mission in the resume command", () => {
  const steps = buildSummary(input(["done", null], { interruptedBy: "SIGINT" })).next_steps;
  assertEquals(steps, [
    "continue: spec-kitty-orchestrator resume --mission 001-demo (or re-run the orchestrate command)",
  ]);
});

Deno.test("buildSummary() never names a command for a skipped WP that would skip it again", () => {
  const steps = buildSummary(input(["blocked", "skipped"])).next_steps.join("\n");
  assertStringIncludes(
    steps,
    "WP02 skipped: taken up again by the command that retries what it waits on (see the reason), once that can finish",
  );
  assertEquals(steps.includes("then retry WP02"), false);
  assertStringIncludes(steps, "WP01 blocked: resolve what the reason says");
});
