/**
 * The rate-limit breaker at the engine level: WPs sharing one limited provider (an agent
 * family) make one request per cooldown, with fake agents and a fake clock.
 */
import { assert, assertEquals } from "../../test/support/assert.ts";
import { type AgentResult, barrier, limitedProvider, VirtualClock } from "../../test/support/breaker_support.ts";
import type { FakeClock } from "../../test/support/fakes.ts";
import { harness, testPipeline, testStage } from "../../test/support/harness.ts";

const FAMILY: Record<string, string> = { "impl-a": "claude", "impl-b": "claude", "impl-c": "codex" };
const familyOf = (id: string) => FAMILY[id] ?? id;
const WPS = ["WP01", "WP02", "WP03", "WP04"].map((id) => ({ id, lane: "planned" as const, deps: [] }));

Deno.test("Engine.run(): four WPs on one rate-limited provider make one request per cooldown, not four", async () => {
  const clock = new VirtualClock();
  const h = harness(WPS, {
    familyOf,
    clock: clock as unknown as FakeClock,
    pipeline: testPipeline({ implement: testStage(["impl-a"]) }),
  });
  // The provider answers 429 (retry-after 60 s) to its first 6 implement requests; the first four
  // (one per WP, all at once) answer together.
  const burst = barrier(4);
  h.runner.onStart = (spec) => spec.role === "implement" && burst.arrive();
  const results: AgentResult[] = limitedProvider(h.runner, {
    role: "implement",
    limited: 6,
    retryAfterMs: 60_000,
    waitFor: (n) => (n < 4 ? burst.reached : undefined),
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  // 4 at once (all limited), then one probe per cooldown (two limited, one not), then the other 3.
  assertEquals(results.map((r) => r.result), [
    ...Array(6).fill("rate_limit"),
    ...Array(4).fill("ok"),
  ]);
  const seq = h.events.flatMap((e) =>
    e.type === "attempt_started" && e.role === "implement"
      ? ["A"]
      : e.type === "cooldown_started"
      ? ["C"]
      : e.type === "cooldown_ended"
      ? ["E"]
      : []
  ).join("");
  // After the first cooldown started: exactly one request per cooldown until the breaker closed.
  const afterBurst = seq.slice(seq.indexOf("C"));
  assertEquals(afterBurst, "CACACAEAAA", seq);
  assertEquals(seq.split("A").length - 1, 10);
  const started = h.events.filter((e) => e.type === "cooldown_started");
  assertEquals(started.length, 3);
  for (const e of started) {
    assert(e.type === "cooldown_started" && e.family === "claude" && e.reason === "rate_limit" && e.agent === "impl-a");
  }
  // Nobody counted the limits as attempts, and the state no longer shows a cooldown.
  for (const w of summary.wps) assertEquals(w.outcome, "done");
  assertEquals(h.store.last!.cooldowns, []);
});

Deno.test("Engine.run(): a cooling family holds its custom agent too; a fallback of another family runs meanwhile", async () => {
  const h = harness([WPS[0]!, { id: "WP02", lane: "planned", deps: ["WP01"] }], {
    familyOf,
    maxConcurrent: 1,
    pipeline: testPipeline({ implement: testStage(["impl-a", "impl-b", "impl-c"], { rateLimitBudgetMs: 10_000 }) }),
  });
  // impl-a (claude) is limited for 60 s, more than the 10 s budget: impl-b is of the same family
  // and just as limited, so the WP goes on to impl-c (codex) at once; so does WP02 after it.
  const results = limitedProvider(h.runner, { role: "implement", limited: 1, retryAfterMs: 60_000 });
  h.clock.sleeps.length = 0;
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  assertEquals(results.map((r) => `${r.wp}:${r.agent}:${r.result}`), [
    "WP01:impl-a:rate_limit",
    "WP01:impl-c:ok",
    "WP02:impl-c:ok",
  ]);
  assertEquals(h.clock.sleeps, []);
  const events = h.events.filter((e) => e.type === "cooldown_started");
  assertEquals(events.length, 1);
});

Deno.test("Engine.run(): the running cooldown is in the saved state for status, with its wall-clock end", async () => {
  const h = harness([WPS[0]!], { familyOf, pipeline: testPipeline({ implement: testStage(["impl-a"]) }) });
  limitedProvider(h.runner, { role: "implement", limited: 1, retryAfterMs: 90_000 });
  await h.engine.run();
  const during = h.store.saves.find((s) => (s.cooldowns ?? []).length > 0);
  assertEquals(during?.cooldowns, [
    { family: "claude", agent: "impl-a", reason: "rate_limit", until: "2026-01-01T00:01:30.000Z" },
  ]);
  assertEquals(h.store.last!.cooldowns, []);
});

Deno.test("Engine.run(): a WP waiting for another WP's probe moves to its next agent when its budget runs out", async () => {
  const clock = new VirtualClock();
  const h = harness([WPS[0]!, WPS[1]!], {
    familyOf,
    clock: clock as unknown as FakeClock,
    pipeline: testPipeline({ implement: testStage(["impl-a", "impl-c"], { rateLimitBudgetMs: 10_000 }) }),
  });
  // Both first requests are limited (retry-after 5 s, within the 10 s budget); the probe after the
  // cooldown hangs until the other WP's impl-c attempt has started.
  const burst = barrier(2);
  let releaseProbe!: () => void;
  const probeHeld = new Promise<void>((resolve) => (releaseProbe = resolve));
  // Without the fallback the probe would wait for ever: a guard lets the test fail instead of hang.
  const guard = setTimeout(() => releaseProbe(), 5000);
  h.runner.onStart = (spec) => {
    if (spec.role !== "implement") return;
    if (spec.agentId === "impl-c") releaseProbe();
    else burst.arrive();
  };
  const results = limitedProvider(h.runner, {
    role: "implement",
    limited: 2,
    retryAfterMs: 5000,
    waitFor: (n) => (n < 2 ? burst.reached : n === 2 ? probeHeld : undefined),
  });
  const { exitCode, summary } = await h.engine.run().finally(() => clearTimeout(guard));
  assertEquals(exitCode, 0, JSON.stringify(summary.wps));
  const byWp = (wp: string) => results.filter((r) => r.wp === wp).map((r) => `${r.agent}:${r.result}`);
  const chains = [byWp("WP01"), byWp("WP02")].map((c) => c.join(" ")).sort();
  // The probe's WP stays on impl-a; the other gives up waiting after its budget and uses impl-c.
  assertEquals(chains, ["impl-a:rate_limit impl-a:ok", "impl-a:rate_limit impl-c:ok"]);
});
