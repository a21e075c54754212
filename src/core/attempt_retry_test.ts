import { assertEquals } from "../../test/support/assert.ts";
import type { StageConfig } from "../domain/config.ts";
import {
  afterAllocationFailure,
  afterAttemptFailure,
  ALLOCATION_RETRIES,
  backoffMs,
  beforeCooldown,
  isTransient,
} from "./attempt_retry.ts";

function stage(overrides: Partial<StageConfig["retry"]> = {}, agents = ["a", "b"]): StageConfig {
  return {
    agents,
    timeoutMs: 1000,
    stallTimeoutMs: 1000,
    retry: {
      maxAttempts: 3,
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 5000,
      jitter: false,
      nonRetryable: ["auth"],
      rateLimitBudgetMs: 30 * 60_000,
      ...overrides,
    },
  };
}
const crash = { class: "crash" as const, message: "boom" };

Deno.test("backoffMs() grows by the coefficient and is capped", () => {
  const p = { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 5000 };
  assertEquals([1, 2, 3, 4, 5].map((n) => backoffMs(p, n)), [1000, 2000, 4000, 5000, 5000]);
});

Deno.test("afterAttemptFailure() retries the same agent with backoff while attempts remain", () => {
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 1 }, crash, () => 0.5), {
    kind: "retry",
    delayMs: 1000,
  });
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 2 }, crash, () => 0.5), {
    kind: "retry",
    delayMs: 2000,
  });
});

Deno.test("afterAttemptFailure() applies full jitter from the injected random", () => {
  const d = afterAttemptFailure(stage({ jitter: true }), { agentIndex: 0, failures: 2 }, crash, () => 0.25);
  assertEquals(d, { kind: "retry", delayMs: 500 });
});

Deno.test("afterAttemptFailure() falls back after maxAttempts", () => {
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 3 }, crash, () => 0), {
    kind: "fallback",
    agentIndex: 1,
  });
});

Deno.test("afterAttemptFailure() sends non-retryable classes straight to the next agent", () => {
  const auth = { class: "auth" as const, message: "not logged in" };
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 1 }, auth, () => 0), {
    kind: "fallback",
    agentIndex: 1,
  });
});

Deno.test("afterAttemptFailure() is exhausted when the last agent runs out", () => {
  const d = afterAttemptFailure(stage(), { agentIndex: 1, failures: 3 }, crash, () => 0);
  assertEquals(d.kind, "exhausted");
  if (d.kind === "exhausted") assertEquals(d.reason, "every agent of the chain [a, b] failed; last: b crash: boom");
});

Deno.test("afterAttemptFailure() waits out a rate limit: the retry-after, at least the backoff", () => {
  const rl = { class: "rate_limit" as const, message: "429", retryAfterMs: 90_000 };
  const cursor = { agentIndex: 0, failures: 0, transientStreak: 1, waitedMs: 0 };
  assertEquals(afterAttemptFailure(stage(), cursor, rl, () => 0), { kind: "wait", delayMs: 90_000 });
  const short = { class: "rate_limit" as const, message: "429", retryAfterMs: 10 };
  assertEquals(afterAttemptFailure(stage(), cursor, short, () => 0), { kind: "wait", delayMs: 1000 });
  // The backoff grows with the agent's transient failures in a row (1 s, 2 s, 4 s, capped at 5 s).
  const streak = (n: number) => afterAttemptFailure(stage(), { ...cursor, transientStreak: n }, short, () => 0);
  assertEquals(
    [1, 2, 3, 4].map((n) => streak(n)),
    [1000, 2000, 4000, 5000].map((delayMs) => ({ kind: "wait" as const, delayMs })),
  );
});

Deno.test("afterAttemptFailure() never counts rate limits and overloads against maxAttempts", () => {
  for (const cls of ["rate_limit", "overloaded"] as const) {
    const failure = { class: cls, message: "busy", retryAfterMs: 2000 };
    // Even with the counted failures used up, a transient failure waits instead of falling back.
    const d = afterAttemptFailure(
      stage(),
      { agentIndex: 0, failures: 3, transientStreak: 7, waitedMs: 0 },
      failure,
      () => 0,
    );
    assertEquals(d, { kind: "wait", delayMs: 5000 }, cls);
  }
});

Deno.test("afterAttemptFailure() moves to the next agent once the wait budget would be exceeded", () => {
  const rl = { class: "rate_limit" as const, message: "429", retryAfterMs: 2000 };
  const budget = stage({ rateLimitBudgetMs: 60_000 });
  assertEquals(
    afterAttemptFailure(budget, { agentIndex: 0, failures: 0, transientStreak: 1, waitedMs: 58_000 }, rl, () => 0),
    { kind: "wait", delayMs: 2000 },
  );
  assertEquals(
    afterAttemptFailure(budget, { agentIndex: 0, failures: 0, transientStreak: 1, waitedMs: 59_000 }, rl, () => 0),
    { kind: "fallback", agentIndex: 1 },
  );
  // A retry-after longer than the whole budget is not slept through either.
  const huge = { class: "rate_limit" as const, message: "spend limit", retryAfterMs: 61_000 };
  assertEquals(
    afterAttemptFailure(budget, { agentIndex: 0, failures: 0, transientStreak: 1, waitedMs: 0 }, huge, () => 0),
    { kind: "fallback", agentIndex: 1 },
  );
  // The last agent of the chain: exhausted, saying why.
  const d = afterAttemptFailure(
    budget,
    { agentIndex: 1, failures: 0, transientStreak: 1, waitedMs: 59_000 },
    rl,
    () => 0,
  );
  assertEquals(d.kind, "exhausted");
  if (d.kind === "exhausted") {
    assertEquals(
      d.reason,
      "every agent of the chain [a, b] failed; last: b rate_limit: 429 (waiting 2s more would exceed the 1m " +
        "rate_limit_budget; waited 59s)",
    );
  }
});

Deno.test("afterAttemptFailure() honours non_retryable for a transient class", () => {
  const rl = { class: "rate_limit" as const, message: "429" };
  const d = afterAttemptFailure(stage({ nonRetryable: ["rate_limit"] }), { agentIndex: 0, failures: 0 }, rl, () => 0);
  assertEquals(d, { kind: "fallback", agentIndex: 1 });
});

Deno.test("afterAttemptFailure() with a single agent and maxAttempts 1 is exhausted at once", () => {
  const d = afterAttemptFailure(stage({ maxAttempts: 1 }, ["solo"]), { agentIndex: 0, failures: 1 }, crash, () => 0);
  assertEquals(d.kind, "exhausted");
});

Deno.test("afterAllocationFailure() retries a LANE_ALLOCATION_FAILED with prose only, a bounded number of times", () => {
  const race = { code: "LANE_ALLOCATION_FAILED", data: { wp_id: "WP02", reason: "cannot lock ref", message: "x" } };
  assertEquals(afterAllocationFailure(race, 0, () => 0.5), { kind: "retry", delayMs: 1500 });
  assertEquals(afterAllocationFailure(race, 1, () => 0), { kind: "retry", delayMs: 2000 });
  assertEquals(afterAllocationFailure(race, ALLOCATION_RETRIES, () => 0.5), { kind: "give_up" });
});

Deno.test("afterAllocationFailure() gives up on a structured cause and on other codes", () => {
  const base = { code: "LANE_ALLOCATION_FAILED", data: { error_code: "UNHONORABLE_BASE", message: "x" } };
  assertEquals(afterAllocationFailure(base, 0, () => 0.5), { kind: "give_up" });
  for (const code of ["TRANSITION_REJECTED", "WP_ALREADY_CLAIMED", "DEPENDENCIES_NOT_SATISFIED", "UNKNOWN_ERROR"]) {
    assertEquals(afterAllocationFailure({ code, data: { message: "x" } }, 0, () => 0.5), { kind: "give_up" }, code);
  }
});

Deno.test("isTransient() is true for rate limits and overloads only", () => {
  assertEquals(isTransient("rate_limit"), true);
  assertEquals(isTransient("overloaded"), true);
  for (const cls of ["crash", "timeout", "stall", "auth", "no_output", "config"] as const) {
    assertEquals(isTransient(cls), false, cls);
  }
});

Deno.test("beforeCooldown() waits within the budget, else moves on while the chain has another agent", () => {
  const budget = stage({ rateLimitBudgetMs: 60_000 });
  assertEquals(beforeCooldown(budget, 0, 0, 59_000), { kind: "wait" });
  assertEquals(beforeCooldown(budget, 0, 20_000, 40_000), { kind: "wait" });
  assertEquals(beforeCooldown(budget, 0, 20_000, 40_001), { kind: "fallback", agentIndex: 1 });
  // The last agent: nothing to move on to, so it waits.
  assertEquals(beforeCooldown(budget, 1, 20_000, 59_000), { kind: "wait" });
});
