/**
 * The pinned real Letta Code CLI (local backend, OpenAI-compatible provider on loopback; see
 * `letta_test.ts`) against each HTTP fault in OpenAI's error shape, through our agent runner.
 *
 * Letta retries a retryable model error itself, 3 more attempts 1 s, 2 s and 4 s apart, each
 * through its client's own retries (16 requests in all; `x-should-retry: false` is not honoured
 * and there is no knob), so a persistent 429 or 503 costs about 40 s. Those two cases run only
 * when recording (`RECORD_REAL_SAMPLES=1`); what they printed is replayed through the parser by
 * `src/agents/parse/real_samples_test.ts` on every run, and a 429 answered once is retried by
 * Letta and the attempt succeeds.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { classifyHttpStatus } from "../../src/agents/parse/classify.ts";
import { lettaSetup } from "../support/real_cli/letta.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { type RealCase, type RealRun, retriedByEngine, runReal } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("letta").version;
const run = (c: Omit<RealCase, "agentId" | "setup">) => runReal({ agentId: "letta", setup: lettaSetup, ...c });
const implementRequests = (r: RealRun) => r.requests.filter((q) => q.role === "implement").length;
const status = (s: 401 | 404 | 429 | 503, retryAfterSeconds?: number, times?: number) => [{
  fault: { kind: "status" as const, status: s, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  role: "implement" as const,
  ...(times === undefined ? {} : { times }),
}];
/** The ~40 s cases (see the module doc). */
const slow = { ignore: Deno.env.get("RECORD_REAL_SAMPLES") !== "1" };

Deno.test(`letta ${V} (real): one 429 answer is retried by Letta after the retry-after and the attempt succeeds`, async () => {
  const r = await run({ name: "err-429-once", role: "implement", faults: status(429, 1, 1) });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(r.owned, `WP01 implemented\n`);
  assertEquals(implementRequests(r), 5, "the refused request, then the four turns");
});

Deno.test({
  name: `letta ${V} (real): a persistent 429 ends in rate_limit carrying the server's retry-after`,
  ...slow,
  fn: async () => {
    const r = await run({ name: "err-429", role: "implement", faults: status(429, 1) });
    assertEquals(r.result.failure?.class, "rate_limit", r.stdout + r.stderr);
    assertEquals(r.result.failure?.retryAfterMs, 1_000, "from the provider's 'Please try again in 1s.'");
    assertEquals(implementRequests(r), 16, "Letta's 4 attempts of 4 requests each");
    assertEquals(r.owned, null);
  },
});

Deno.test(`letta ${V} (real): 401 ends in auth at once (no retry, next agent in the chain)`, async () => {
  const r = await run({ name: "err-401", role: "implement", faults: status(401) });
  assertEquals(r.result.failure?.class, "auth", r.stdout + r.stderr);
  assertStringIncludes(r.result.failure?.message ?? "", "Incorrect API key");
  assert(!retriedByEngine("auth"));
  assertEquals(implementRequests(r), 1);
});

Deno.test(`letta ${V} (real): 404 model not found ends in model_not_found, surfaced`, async () => {
  const r = await run({ name: "err-404", role: "implement", faults: status(404) });
  assertEquals(r.result.failure?.class, "model_not_found", r.stdout + r.stderr);
  assertStringIncludes(r.result.failure?.message ?? "", "does not exist");
  assert(!retriedByEngine("model_not_found"));
});

Deno.test({
  name: `letta ${V} (real): a persistent 503 ends in the overloaded class, retried by the engine`,
  ...slow,
  fn: async () => {
    const r = await run({ name: "err-503", role: "implement", faults: status(503) });
    const cls = r.result.failure?.class;
    assertEquals(cls, classifyHttpStatus(503) ?? "crash", r.stdout + r.stderr);
    assert(retriedByEngine(cls));
  },
});

Deno.test(`letta ${V} (real): a stalled stream is killed at our stall_timeout`, async () => {
  const r = await run({
    name: "stall",
    role: "implement",
    faults: [{ fault: { kind: "stall" }, role: "implement" }],
    stallTimeoutMs: 4_000,
  });
  assertEquals(r.result.failure?.class, "stall", r.stdout + r.stderr);
  assert(retriedByEngine("stall"));
  assert(r.wallMs < 30_000, `stopped by our stall timer (${r.wallMs} ms)`);
  assertEquals(r.owned, null);
});
