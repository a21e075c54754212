/** Budgets with a hard stop at the engine level: on a WP (blocked) and on the run (no new WP). */
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { harness, testPipeline, testStage } from "../../test/support/harness.ts";

const crash = (cost: number) => ({ failure: { class: "crash" as const, message: "boom" }, cost });

Deno.test("Engine.run(): a WP over per_wp_usd starts no new attempt and is blocked with the budget reason", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ budget: { perWpUsd: 1, perWpMs: null } }),
  });
  h.runner.plan("WP01", "implement", crash(0.6), crash(0.6), {});
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "blocked");
  // impl-a failed twice ($1.20); the fallback impl-b never started.
  assertEquals(h.runner.specs.map((s) => s.agentId), ["impl-a", "impl-a"]);
  const wp = summary.wps[0]!;
  assertEquals(wp.outcome, "blocked");
  assertEquals(wp.reason, "budget: WP01 spent $1.20 of its per_wp_usd $1.00; no new attempt starts");
  assertEquals(h.store.last!.wps.WP01!.stop_cause?.kind, "budget");
  assertEquals(wp.budget, { per_wp_usd: 1, per_wp_minutes: null, agent_ms: 2000 });
  assert(summary.next_steps.some((s) => s.includes("raise budget.per_wp_usd")), summary.next_steps.join("\n"));
  assert(summary.next_steps.some((s) => s.includes("--retry-blocked")), summary.next_steps.join("\n"));
});

Deno.test("Engine.run(): a WP over per_wp_minutes in review is blocked from in_review with a review result", async () => {
  // Each fake attempt lasts 1 s: the implementation (1 s) and a failed review (1 s) reach 2 s.
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ budget: { perWpUsd: null, perWpMs: 2000 } }),
  });
  h.runner.plan("WP01", "review", crash(0), { message: "VERDICT: APPROVED" });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "blocked");
  assertStringIncludes(summary.wps[0]!.reason, "budget: WP01 used 2s of agent time, its per_wp_minutes is 2s");
  assertEquals(h.runner.specs.map((s) => s.role), ["implement", "review"]);
});

Deno.test("Engine.run(): once the run is over per_run_usd no new WP starts; started ones finish; exit 3 says so", async () => {
  const h = harness([
    { id: "WP01", lane: "planned", deps: [] },
    { id: "WP02", lane: "planned", deps: [] },
    { id: "WP03", lane: "planned", deps: [] },
    { id: "WP04", lane: "planned", deps: ["WP03"] },
  ], { maxConcurrent: 2, runBudgetUsd: 1, pipeline: testPipeline({ implement: testStage(["impl-a"]) }) });
  h.runner.plan("WP01", "implement", { cost: 1.5 });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps.map((w) => `${w.wp_id}:${w.outcome}`), [
    "WP01:done",
    "WP02:done",
    "WP03:skipped",
    "WP04:skipped",
  ]);
  assertEquals([h.host.lane("WP03"), h.host.lane("WP04")], ["planned", "planned"]);
  assertEquals(summary.wps[2]!.reason, "budget: the run spent $1.50 of its per_run_usd $1.00; no new WP starts");
  assertEquals(summary.budget, { per_run_usd: 1 });
  const step = summary.next_steps.find((s) => s.includes("raise defaults.budget.per_run_usd"));
  assertStringIncludes(step ?? summary.next_steps.join("\n"), "WP03, WP04 not started (lane planned)");
  assertStringIncludes(step ?? "", "resume --mission 001-demo");
  assert(h.events.some((e) => e.type === "warning" && e.message.startsWith("budget: the run spent $1.50")));
});
