/**
 * The pinned real Gemini CLI against the scripted Gemini-API server, through our agent runner
 * with the built-in `gemini` definition: each HTTP fault, in Google's error shape, ends in the
 * right failure class.
 *
 * Gemini CLI retries 429 and 5xx itself (`general.maxAttempts`, default 10, 5 s to 30 s apart);
 * the setup sets 1 so each case is one request and ends in seconds. It prints the error as JSON
 * on stdout (`{session_id, error: {type, message, code}}`) and exits with the HTTP status mod
 * 256 (429 → 173, 401 → 145, 503 → 247; 404 → 1).
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { classifyHttpStatus } from "../../src/agents/parse/classify.ts";
import { geminiAdapter } from "../support/model_server/gemini.ts";
import { geminiSetup } from "../support/real_cli/gemini.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { type RealCase, retriedByEngine, runReal } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("gemini").version;
const run = (c: Omit<RealCase, "agentId" | "setup" | "adapters">) =>
  runReal({ agentId: "gemini", setup: geminiSetup, adapters: [geminiAdapter()], ...c });
const implementRequests = (r: Awaited<ReturnType<typeof runReal>>) =>
  r.requests.filter((q) => q.role === "implement").length;

const fault = (status: 401 | 404 | 429 | 503, retryAfterSeconds?: number) => ({
  fault: { kind: "status" as const, status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  role: "implement" as const,
});

Deno.test(`gemini ${V} (real): 429 with retry-after ends in rate_limit carrying the server's retry-after`, async () => {
  const r = await run({ name: "err-429", role: "implement", faults: [fault(429, 7)] });
  assertEquals(r.result.failure?.class, "rate_limit", r.stdout + r.stderr);
  assertEquals(r.result.failure?.retryAfterMs, 7_000, "from the RetryInfo retryDelay Gemini CLI echoes");
  assertEquals(r.exitCode, 429 % 256, "Gemini CLI exits with the HTTP status mod 256");
  assertEquals(implementRequests(r), 1, "general.maxAttempts 1: no retry of its own");
  assertEquals(r.owned, null);
});

Deno.test(`gemini ${V} (real): 401 ends in auth at once (no retry, next agent in the chain)`, async () => {
  const r = await run({ name: "err-401", role: "implement", faults: [fault(401)] });
  assertEquals(r.result.failure?.class, "auth", r.stdout + r.stderr);
  assertStringIncludes(r.result.failure?.message ?? "", "API key not valid");
  assert(!retriedByEngine("auth"), "auth goes to the next agent of the chain");
  assertEquals(implementRequests(r), 1);
});

Deno.test(`gemini ${V} (real): 404 model not found ends in model_not_found, surfaced`, async () => {
  const r = await run({ name: "err-404", role: "implement", faults: [fault(404)] });
  assertEquals(r.result.failure?.class, "model_not_found", r.stdout + r.stderr);
  assertStringIncludes(r.result.failure?.message ?? "", "models/gemini-2.5-flash is not found");
  assert(!retriedByEngine("model_not_found"), "not retried");
  assertEquals(implementRequests(r), 1);
});

Deno.test(`gemini ${V} (real): 503 overloaded ends in the overloaded class (by its status, not stderr words), retried`, async () => {
  const r = await run({ name: "err-503", role: "implement", faults: [fault(503)] });
  const cls = r.result.failure?.class;
  assertEquals(cls, classifyHttpStatus(503) ?? "crash", r.stdout + r.stderr);
  assertEquals(r.exitCode, 503 % 256);
  assert(retriedByEngine(cls), "transient: retried by the engine");
});
