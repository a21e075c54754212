/**
 * The pinned real Gemini CLI, driven through our agent runner with the built-in `gemini`
 * definition against the scripted Gemini-API server (`GOOGLE_GEMINI_BASE_URL` on loopback, see
 * `test/support/real_cli/gemini.ts`): implement, review approve and reject (plain VERDICT text:
 * Gemini CLI has no structured-output flag) and a stalled stream.
 *
 * The status faults are in `gemini_faults_test.ts` (one file each stays well under 40 s).
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { geminiAdapter } from "../support/model_server/gemini.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { geminiSetup } from "../support/real_cli/gemini.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import {
  assertImplemented,
  type RealCase,
  retriedByEngine,
  runReal,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("gemini").version;
const run = (c: Omit<RealCase, "agentId" | "setup" | "adapters">) =>
  runReal({ agentId: "gemini", setup: geminiSetup, adapters: [geminiAdapter()], ...c });
const implementRequests = (r: Awaited<ReturnType<typeof runReal>>) =>
  r.requests.filter((q) => q.role === "implement").length;

Deno.test(`gemini ${V} (real): implement writes the owned file with write_file and runs every mark-status line`, async () => {
  const r = await run({ name: "impl", role: "implement" });
  assertImplemented(r);
  const actions = r.requests.filter((q) => q.role === "implement").map((q) => q.answered);
  assertEquals(actions.map((a) => a.kind), ["write", "shell", "shell", "text"]);
  assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens from stats.models");
  assertEquals(r.gitStatus, ["?? src/wp01.txt"], "nothing else left in the workspace");
});

Deno.test(`gemini ${V} (real): review approve parses to our verdict (plain VERDICT text)`, async () => {
  const r = await run({ name: "review", role: "review" });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
  assertEquals(r.calls, [], "a reviewer runs no status commands");
});

Deno.test(`gemini ${V} (real): review reject parses to changes_requested with the feedback`, async () => {
  const r = await run({ name: "review-reject", role: "review", knobs: { reject: [WP] } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "changes_requested");
  assertStringIncludes(r.result.finalMessage, REJECT_FEEDBACK);
});

Deno.test(`gemini ${V} (real): a stalled stream is killed at our stall_timeout`, async () => {
  const r = await run({
    name: "stall",
    role: "implement",
    faults: [{ fault: { kind: "stall" }, role: "implement" }],
    // The harness starts our stall timer at the first model request, so this measures the stream.
    stallTimeoutMs: 4_000,
  });
  assertEquals(r.result.failure?.class, "stall", r.stdout + r.stderr);
  assert(retriedByEngine("stall"), "retried by the engine");
  assert(r.wallMs < 20_000, `stopped by our stall timer (${r.wallMs} ms)`);
  assertEquals(implementRequests(r), 1, "the first request's stream stalled after the function call");
  assertEquals(r.owned, null, "the call never finished, so nothing was written");
});
