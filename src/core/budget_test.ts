import { assertEquals } from "../../test/support/assert.ts";
import { agentTimeMs, runBudgetStop, runSpentUsd, wpBudgetStop } from "./budget.ts";
import { newWpState } from "./lifecycle_rules.ts";
import type { AttemptRecord, RunState, WpRunState } from "../domain/run_state.ts";

function wpWith(id: string, cost: number, durations: number[]): WpRunState {
  const attempts = durations.map((d, i): AttemptRecord => ({
    n: i + 1,
    role: "implement",
    agent: "a",
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: d,
    result: "ok",
    exit_code: 0,
    signal: null,
    cost_usd: null,
    tokens: null,
    log_path: "x.log",
    message: null,
    verdict: null,
  }));
  return { ...newWpState(id, "default"), cost_usd: cost, attempts };
}

Deno.test("wpBudgetStop() stops at or over per_wp_usd, naming the limit and the spend", () => {
  const budget = { perWpUsd: 1, perWpMs: null };
  assertEquals(wpBudgetStop(budget, wpWith("WP01", 0.99, [])), null);
  assertEquals(wpBudgetStop(budget, wpWith("WP01", 1.234, [])), {
    limit: "per_wp_usd",
    value: 1,
    spent: 1.234,
    reason: "budget: WP01 spent $1.23 of its per_wp_usd $1.00; no new attempt starts",
  });
  assertEquals(wpBudgetStop(undefined, wpWith("WP01", 99, [])), null);
  assertEquals(wpBudgetStop({ perWpUsd: null, perWpMs: null }, wpWith("WP01", 99, [])), null);
});

Deno.test("wpBudgetStop() stops on agent time (attempt durations, not waits) at per_wp_minutes", () => {
  const budget = { perWpUsd: null, perWpMs: 30 * 60_000 };
  const wp = wpWith("WP02", 0, [20 * 60_000, 9 * 60_000]);
  assertEquals(agentTimeMs(wp), 29 * 60_000);
  assertEquals(wpBudgetStop(budget, { ...wp, implement_wait_ms: 60 * 60_000 }), null);
  const over = wpBudgetStop(budget, wpWith("WP02", 0, [20 * 60_000, 11 * 60_000]));
  assertEquals(over?.limit, "per_wp_minutes");
  assertEquals(over?.reason, "budget: WP02 used 31m of agent time, its per_wp_minutes is 30m; no new attempt starts");
});

Deno.test("runBudgetStop() sums every WP's cost against per_run_usd", () => {
  const state = { wps: { WP01: wpWith("WP01", 4, []), WP02: wpWith("WP02", 5.5, []) } } as unknown as RunState;
  assertEquals(runSpentUsd(state), 9.5);
  assertEquals(runBudgetStop({ perRunUsd: 10, pipelines: {} }, state), null);
  assertEquals(runBudgetStop(undefined, state), null);
  assertEquals(
    runBudgetStop({ perRunUsd: 9.5, pipelines: {} }, state)?.reason,
    "budget: the run spent $9.50 of its per_run_usd $9.50; no new WP starts",
  );
});
