/**
 * The pinned real GitHub Copilot CLI in BYOK mode against each HTTP fault of the scripted Chat
 * Completions server (OpenAI's error shape), through our agent runner. Copilot retries 429 and
 * 5xx itself, 5 times, honouring `retry-after` (the cases send 1 s), and reports the outcome as
 * a `session.error` event with `errorType` and `statusCode`.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { classifyHttpStatus } from "../../src/agents/parse/classify.ts";
import { copilotSetup } from "../support/real_cli/copilot.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { type RealCase, type RealRun, retriedByEngine, runReal } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("copilot").version;
const run = (c: Omit<RealCase, "agentId" | "setup">) => runReal({ agentId: "copilot", setup: copilotSetup, ...c });
const implementRequests = (r: RealRun) => r.requests.filter((q) => q.role === "implement").length;
const status = (s: 401 | 404 | 429 | 503, retryAfterSeconds?: number) => [{
  fault: { kind: "status" as const, status: s, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  role: "implement" as const,
}];

Deno.test(`copilot ${V} (real): 429 with retry-after ends in rate_limit carrying the server's retry-after`, async () => {
  const r = await run({ name: "err-429", role: "implement", faults: status(429, 1) });
  assertEquals(r.result.failure?.class, "rate_limit", r.stdout + r.stderr);
  assertEquals(r.result.failure?.retryAfterMs, 1_000);
  assertEquals(implementRequests(r), 6, "Copilot tried once and retried 5 times");
  assertEquals(r.owned, null);
});

Deno.test(`copilot ${V} (real): 401 ends in auth (no retry by the engine, next agent in the chain)`, async () => {
  const r = await run({ name: "err-401", role: "implement", faults: status(401) });
  assertEquals(r.result.failure?.class, "auth", r.stdout + r.stderr);
  assertStringIncludes(r.result.failure?.message ?? "", "COPILOT_PROVIDER_API_KEY");
  assert(!retriedByEngine("auth"));
});

Deno.test(`copilot ${V} (real): 404 model not found ends in model_not_found, surfaced`, async () => {
  const r = await run({ name: "err-404", role: "implement", faults: status(404) });
  assertEquals(r.result.failure?.class, "model_not_found", r.stdout + r.stderr);
  assert(!retriedByEngine("model_not_found"));
});

Deno.test(`copilot ${V} (real): 503 overloaded ends in the overloaded class, retried by the engine`, async () => {
  const r = await run({ name: "err-503", role: "implement", faults: status(503, 1) });
  const cls = r.result.failure?.class;
  assertEquals(cls, classifyHttpStatus(503) ?? "crash", r.stdout + r.stderr);
  assert(retriedByEngine(cls));
});
