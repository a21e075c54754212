/**
 * The pinned real Kilo CLI (setup as in `kilo_test.ts`) against the scripted server's HTTP
 * faults and a stalled stream, through our agent runner with the built-in `kilocode` definition.
 * Kilo inherits opencode's retries (429 and 5xx 5 more times, honouring `retry-after`: the cases
 * send 1 s) and its JSON error events, which the opencode parser reads.
 *
 * A Kilo run costs 15-25 s here and the real-CLI suite runs serially, so these cases run only
 * when recording (`RECORD_REAL_SAMPLES=1`, about 90 s); what they printed is replayed through
 * the parser by `src/agents/parse/real_samples_test.ts` on every run.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { classifyHttpStatus } from "../../src/agents/parse/classify.ts";
import { kiloSetup } from "../support/real_cli/kilo.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { type RealCase, type RealRun, retriedByEngine, runReal } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("kilocode").version;
// See kilo_test.ts for the wider wall-clock limit.
const run = (c: Omit<RealCase, "agentId" | "setup">) =>
  runReal({ agentId: "kilocode", setup: kiloSetup, timeoutMs: 180_000, ...c });
/** Run only when recording (see the module doc). */
const recording = { ignore: Deno.env.get("RECORD_REAL_SAMPLES") !== "1" };
const agentTurns = (r: RealRun) => r.requests.filter((q) => q.role === "implement" && q.tools.length > 0);
const status = (s: 404 | 429 | 503, retryAfterSeconds?: number) => [{
  fault: { kind: "status" as const, status: s, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  role: "implement" as const,
}];

Deno.test({
  name: `kilocode ${V} (real): 429 with retry-after ends in rate_limit carrying the server's retry-after`,
  ...recording,
  fn: async () => {
    const r = await run({ name: "err-429", role: "implement", faults: status(429, 1) });
    assertEquals(r.result.failure?.class, "rate_limit", r.stdout + r.stderr);
    assertEquals(r.result.failure?.retryAfterMs, 1_000);
    assertEquals(agentTurns(r).length, 6, "Kilo tried once and retried 5 times");
    assertEquals(r.owned, null);
  },
});

Deno.test({
  name: `kilocode ${V} (real): 404 model not found ends in model_not_found, surfaced`,
  ...recording,
  fn: async () => {
    const r = await run({ name: "err-404", role: "implement", faults: status(404) });
    assertEquals(r.result.failure?.class, "model_not_found", r.stdout + r.stderr);
    assert(!retriedByEngine("model_not_found"));
  },
});

Deno.test({
  name: `kilocode ${V} (real): 503 overloaded ends in the overloaded class, retried by the engine`,
  ...recording,
  fn: async () => {
    const r = await run({ name: "err-503", role: "implement", faults: status(503, 1) });
    const cls = r.result.failure?.class;
    assertEquals(cls, classifyHttpStatus(503) ?? "crash", r.stdout + r.stderr);
    assert(retriedByEngine(cls), `${cls}: transient, retried by the engine`);
  },
});

Deno.test({
  name: `kilocode ${V} (real): a stalled stream is killed at our stall_timeout`,
  ...recording,
  fn: async () => {
    const r = await run({
      name: "stall",
      role: "implement",
      faults: [{ fault: { kind: "stall" }, role: "implement" }],
      stallTimeoutMs: 4_000,
    });
    assertEquals(r.result.failure?.class, "stall", r.stdout + r.stderr);
    assert(retriedByEngine("stall"));
    assertEquals(r.owned, null);
  },
});
