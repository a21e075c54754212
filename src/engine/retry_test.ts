import { assertEquals } from "../../test/assert.ts";
import type { StageConfig } from "../config/types.ts";
import {
  afterAllocationFailure,
  afterAttemptFailure,
  ALLOCATION_RETRIES,
  backoffMs,
  RATE_LIMIT_WAIT_CAP_MS,
} from "./retry.ts";

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

Deno.test("afterAttemptFailure() honours retry-after on rate limits (max of both)", () => {
  const rl = { class: "rate_limit" as const, message: "429", retryAfterMs: 90_000 };
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 1 }, rl, () => 0), {
    kind: "retry",
    delayMs: 90_000,
  });
  const short = { class: "rate_limit" as const, message: "429", retryAfterMs: 10 };
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 1 }, short, () => 0), {
    kind: "retry",
    delayMs: 1000,
  });
});

Deno.test("afterAttemptFailure() falls back instead of sleeping through a huge retry-after", () => {
  const rl = { class: "rate_limit" as const, message: "spend limit", retryAfterMs: RATE_LIMIT_WAIT_CAP_MS + 1 };
  assertEquals(afterAttemptFailure(stage(), { agentIndex: 0, failures: 1 }, rl, () => 0), {
    kind: "fallback",
    agentIndex: 1,
  });
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
