import { assertEquals, assertStringIncludes } from "../../test/assert.ts";
import { newWpState } from "./lifecycle_rules.ts";
import { newRunState } from "./state_store.ts";
import type { WpOutcomeKind } from "./state_types.ts";
import { buildSummary, type SummaryInput } from "./summary.ts";
import { TEST_POLICY } from "./testing/harness.ts";

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
  // resume does not retry blocked WPs: no resume hint for them alone, one as soon as a WP failed.
  assertEquals(partial.next_steps.some((s) => s.includes("resume")), false);
  const failed = buildSummary(input(["failed", "blocked"]));
  assertStringIncludes(
    failed.next_steps.join("\n"),
    "retry the failed and skipped WPs: spec-kitty-orchestrator resume",
  );
  const unfinished = buildSummary(input([null]));
  assertEquals(unfinished.wps[0]!.outcome, "unfinished");
});
