import { assertEquals, assertRejects } from "../../test/support/assert.ts";
import { backoffDelayMs, backoffMs, type RetryClock, withRetry } from "./retry.ts";

/** Time moves only when the policy sleeps or an attempt takes `attemptMs`. */
function virtualClock(random = () => 1): RetryClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
    random,
  };
  return clock;
}

const POLICY = { initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 350 };

Deno.test("backoffMs() grows by the coefficient and is capped; backoffDelayMs() jitters only when asked", () => {
  assertEquals([1, 2, 3, 4].map((n) => backoffMs(POLICY, n)), [100, 200, 350, 350]);
  assertEquals(backoffMs({ ...POLICY, backoffCoefficient: 1e308 }, 9), 350, "an overflow is the cap");
  assertEquals([1, 2, 3].map((n) => backoffDelayMs(POLICY, n, () => 0.5)), [100, 200, 350]);
  assertEquals([1, 2, 3].map((n) => backoffDelayMs({ ...POLICY, jitter: true }, n, () => 0.5)), [50, 100, 175]);
});

Deno.test("withRetry() stops at maxAttempts and rejects with the last error", async () => {
  const clock = virtualClock();
  const seen: [number, boolean][] = [];
  let calls = 0;
  const error = await assertRejects(() =>
    withRetry(() => Promise.reject(new Error(`fail ${++calls}`)), {
      maxAttempts: 3,
      deadlineMs: 60_000,
      backoff: POLICY,
      retryable: () => true,
      onFailure: (_e, attempt, willRetry) => seen.push([attempt, willRetry]),
      clock,
    })
  );
  assertEquals(error.message, "fail 3");
  assertEquals(seen, [[1, true], [2, true], [3, false]]);
  assertEquals(clock.sleeps, [100, 200]);
});

Deno.test("withRetry() does not retry a non-retryable failure and returns a later success", async () => {
  const clock = virtualClock();
  let calls = 0;
  await assertRejects(() =>
    withRetry(() => (calls++, Promise.reject(new TypeError("final"))), {
      maxAttempts: 5,
      deadlineMs: 60_000,
      backoff: POLICY,
      retryable: (e) => !(e instanceof TypeError),
      clock,
    }), TypeError);
  assertEquals(calls, 1);
  const value = await withRetry(
    ({ attempt }) => attempt < 3 ? Promise.reject(new Error("x")) : Promise.resolve(attempt),
    {
      maxAttempts: 5,
      deadlineMs: 60_000,
      backoff: POLICY,
      retryable: () => true,
      clock,
    },
  );
  assertEquals(value, 3);
});

Deno.test("withRetry() bounds the whole operation by its deadline and tells each attempt the time left", async () => {
  const clock = virtualClock();
  const given: number[] = [];
  await assertRejects(() =>
    withRetry(({ remainingMs }) => {
      given.push(remainingMs);
      clock.t += Math.min(1_000, remainingMs); // every attempt times out after 1 s or the time left
      return Promise.reject(new Error("timeout"));
    }, {
      maxAttempts: 10,
      deadlineMs: 2_500,
      minAttemptMs: 200,
      backoff: POLICY,
      retryable: () => true,
      clock,
    })
  );
  // 1 s, wait 100, 1 s, wait 200: 200 ms left is not less than minAttemptMs, so a third, shorter try.
  assertEquals(given, [2_500, 1_400, 200]);
  assertEquals(clock.t <= 2_500, true);
});
