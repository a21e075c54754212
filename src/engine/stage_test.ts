import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { type FakeAttempt, FakeClock } from "../../test/support/fakes.ts";
import { harness, TEST_POLICY, testPipeline, testStage } from "../../test/support/harness.ts";
import { newRunState } from "../core/new_run_state.ts";
import { newWpState } from "../core/lifecycle_rules.ts";
import { transientStreak } from "./stage.ts";

const rateLimited = (retryAfterMs = 2000): FakeAttempt => ({
  failure: { class: "rate_limit", message: "API Error: Request rejected (429)", retryAfterMs },
});
const overloaded: FakeAttempt = { failure: { class: "overloaded", message: "API Error: 529 Overloaded" } };

function attemptsOf(h: ReturnType<typeof harness>, wp = "WP01"): string[] {
  return h.store.last!.wps[wp]!.attempts.map((a) => `${a.role}:${a.agent}:${a.result}`);
}

Deno.test("runStage() rides out 4 rate-limited/overloaded attempts with max_attempts 2, then the WP is done", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ implement: testStage(["impl-a"], { maxAttempts: 2 }) }),
  });
  h.runner.plan("WP01", "implement", rateLimited(), rateLimited(), overloaded, rateLimited(), {});
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(h.host.lane("WP01"), "done");
  assertEquals(attemptsOf(h), [
    "implement:impl-a:rate_limit",
    "implement:impl-a:rate_limit",
    "implement:impl-a:overloaded",
    "implement:impl-a:rate_limit",
    "implement:impl-a:ok",
    "review:rev-a:ok",
  ]);
  // max(retry-after 2 s, backoff 1 s × 2^(streak-1)); the overload has no retry-after.
  const waits = [2000, 2000, 4000, 8000];
  assertEquals(h.clock.sleeps, waits);
  const wp = h.store.last!.wps.WP01!;
  assertEquals(wp.implement_failures, 0, "transient failures are not counted");
  assertEquals(wp.implement_wait_ms, 16_000);
  assertEquals(summary.wps[0]!.wait_ms, 16_000);
});

Deno.test("runStage() moves to the next agent when the wait budget is spent, and only then blocks the WP", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ implement: testStage(["impl-a", "impl-b"], { rateLimitBudgetMs: 10_000 }) }),
  });
  h.runner.plan("WP01", "implement", ...Array.from({ length: 6 }, () => rateLimited(4000)));
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "blocked");
  // impl-a waits 4 s twice (8 s); a third wait would pass 10 s: impl-b runs at once, is rate limited
  // too, and the budget is still spent, so the chain is exhausted.
  assertEquals(attemptsOf(h), [
    "implement:impl-a:rate_limit",
    "implement:impl-a:rate_limit",
    "implement:impl-a:rate_limit",
    "implement:impl-b:rate_limit",
  ]);
  assertEquals(h.clock.sleeps, [4000, 4000]);
  assertEquals(summary.wps[0]!.outcome, "blocked");
  assertStringIncludes(
    summary.wps[0]!.reason,
    "every agent of the chain [impl-a, impl-b] failed; last: impl-b rate_limit",
  );
  assertStringIncludes(summary.wps[0]!.reason, "10s rate_limit_budget; waited 8s");
  assertEquals(summary.wps[0]!.wait_ms, 8000);
  assert(h.events.some((e) => e.type === "warning" && e.message.includes("falling back to impl-b")));
});

Deno.test("runStage() keeps counting the wait budget across a resume (it lives in the run state)", async () => {
  const state = newRunState({
    runId: "20260101T000000Z-abcd",
    mission: "001-demo",
    actor: "orch",
    policy: TEST_POLICY,
    flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
    now: new Date("2026-01-01T00:00:00Z"),
  });
  state.wps.WP01 = { ...newWpState("WP01", "default"), implement_wait_ms: 9000 };
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    state,
    pipeline: testPipeline({ implement: testStage(["impl-a", "impl-b"], { rateLimitBudgetMs: 10_000 }) }),
  });
  h.runner.plan("WP01", "implement", rateLimited(4000), {});
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  // 9 s were already waited before the restart: the next 4 s wait would pass 10 s, so impl-b runs.
  assertEquals(attemptsOf(h).slice(0, 2), ["implement:impl-a:rate_limit", "implement:impl-b:ok"]);
  assertEquals(h.clock.sleeps, []);
  assertEquals(summary.wps[0]!.wait_ms, 9000);
});

Deno.test("transientStreak() counts the agent's trailing rate-limited/overloaded attempts of the role", () => {
  const wp = newWpState("WP01", "default");
  const record = (role: "implement" | "review", agent: string, result: string) =>
    wp.attempts.push({
      n: wp.attempts.length + 1,
      role,
      agent,
      started_at: "2026-01-01T00:00:00Z",
      duration_ms: 1,
      result: result as "ok",
      exit_code: null,
      signal: null,
      cost_usd: null,
      tokens: null,
      log_path: "/l",
      message: null,
      verdict: null,
    });
  assertEquals(transientStreak(wp, "implement", "a"), 0);
  record("implement", "a", "crash");
  record("implement", "a", "rate_limit");
  record("review", "r", "ok");
  record("implement", "a", "overloaded");
  assertEquals(transientStreak(wp, "implement", "a"), 2);
  assertEquals(transientStreak(wp, "implement", "b"), 0);
  record("implement", "a", "timeout");
  assertEquals(transientStreak(wp, "implement", "a"), 0);
});

Deno.test("runStage() skips an agent whose cooldown (set by another WP) would overrun this WP's budget", async () => {
  const clock = new FakeClock(() => 0.5, { advance: false });
  const state = newRunState({
    runId: "20260101T000000Z-abcd",
    mission: "001-demo",
    actor: "orch",
    policy: TEST_POLICY,
    flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
    now: clock.now(),
  });
  state.wps.WP02 = { ...newWpState("WP02", "default"), implement_wait_ms: 15 * 60_000 };
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: ["WP01"] }], {
    clock,
    state,
    pipeline: testPipeline({ implement: testStage(["impl-a", "impl-b"], { rateLimitBudgetMs: 30 * 60_000 }) }),
  });
  // WP01's 20 min retry-after fits its own budget; its probe after the wait is limited again (20 + 20 >
  // 30: it moves on to impl-b), so impl-a is still cooling down when WP02 starts, which has already
  // waited 15 min: 15 + 20 > 30, so WP02 uses impl-b at once.
  h.runner.plan("WP01", "implement", rateLimited(20 * 60_000), rateLimited(20 * 60_000), {});
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(attemptsOf(h, "WP02").filter((a) => a.startsWith("implement")), ["implement:impl-b:ok"]);
  assertEquals(clock.sleeps, [20 * 60_000]);
  assert(h.events.some((e) => e.type === "warning" && e.wp_id === "WP02" && e.message.includes("using impl-b")));
});
