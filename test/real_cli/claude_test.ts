/**
 * The pinned real Claude Code CLI, driven through our agent runner with the built-in
 * `claude-code` definition (its exact argv: stream-json, `--dangerously-skip-permissions` for
 * implementers, the read-only tool list and `--json-schema` verdict for reviewers) against the
 * scripted Anthropic Messages server: implement, review (structured and plain text) and each
 * fault's failure class. `RECORD_REAL_SAMPLES=1` saves what the CLI printed under
 * `test/fixtures/agent-samples-real/claude-code-<version>/` (replayed by
 * `src/agents/parse/real_samples_test.ts`).
 *
 * Claude Code retries a failed API request 10 times itself (about three minutes against a
 * server that keeps failing) unless `CLAUDE_CODE_MAX_RETRIES` says otherwise or the server
 * sends `x-should-retry: false`: the fault cases set it to 0 (or 1 where the CLI's retry is
 * what is being proven), so each case costs a second or two instead of minutes.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { STRUCTURED_TOOL } from "../support/model_server/anthropic.ts";
import { anthropicAdapter } from "../support/model_server/anthropic.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { claudeSetup, type ClaudeSetupOptions, runningAsRoot } from "../support/real_cli/claude.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import {
  assertImplemented,
  EXPECTED_CALLS,
  type RealCase,
  type RealRun,
  retriedByEngine,
  runReal,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("claude-code").version;
const NAME = `claude-code ${V} (real)`;
/** Our stall limit in the stall case (counted from claude's first model request). */
const STALL_MS = 4_000;
/**
 * The stall limit that claude's three retry waits outlast while each single wait stays below it.
 * Seen on 2.1.328 with retry-after 1 s (CI printed waits of 1,186, 1,132 and 2,497 ms): wait n fits
 * max(retry-after, 500 ms · 2^(n-1)) plus up to 25 % jitter, so 1.0–1.25 s, 1.0–1.25 s, 2.0–2.5 s:
 * at least 4 s in all, at most about 2.5 s apart.
 * 2.5 s itself was flaky (that 2,497 ms wait); 3.5 s is a second above the longest wait and half a
 * second below the shortest total.
 */
const RETRY_STALL_MS = 3_500;

type Case = Omit<RealCase, "agentId" | "setup" | "adapters"> & { setup?: ClaudeSetupOptions };

function run(c: Case): Promise<RealRun> {
  const { setup, ...rest } = c;
  return runReal({
    ...rest,
    agentId: "claude-code",
    adapters: [anthropicAdapter()],
    setup: (server, dir) => claudeSetup(server, dir, setup ?? {}),
  });
}

const modelRequests = (r: RealRun) => r.requests.filter((q) => q.role !== "side");

/** Every request went to the Messages API as Claude Code sends it, and none was left unanswered. */
function assertMessagesApi(r: RealRun): void {
  assert(r.requests.length > 0, "claude sent no request");
  for (const q of r.requests) {
    assertEquals(q.api, "anthropic", `unrouted request ${q.method} ${q.path}`);
    assertEquals(q.path, "/v1/messages?beta=true");
  }
}

Deno.test(`${NAME}: implement writes the owned file with Write and runs every mark-status line with Bash`, async () => {
  const r = await run({ name: "impl", role: "implement" });
  assertImplemented(r);
  assertEquals(r.exitCode, 0);
  assertMessagesApi(r);
  assert(r.requests.every((q) => q.stream), "claude streams every request");
  assertEquals(modelRequests(r).map((q) => q.answered.kind), ["write", "shell", "shell", "text"]);
  assert(modelRequests(r)[0]!.tools.includes("Write") && modelRequests(r)[0]!.tools.includes("Bash"));
  assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens from the result's usage");
  assert((r.result.costUsd ?? 0) > 0, "total_cost_usd");
});

Deno.test(`${NAME}: review approve arrives as structured_output through the StructuredOutput tool`, async () => {
  const r = await run({ name: "review", role: "review" });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(JSON.parse(r.result.finalMessage).verdict, "approved");
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
  const [first] = modelRequests(r);
  assert(first !== undefined && first.tools.includes(STRUCTURED_TOOL), "--json-schema offered StructuredOutput");
  for (const banned of ["Write", "Edit", "NotebookEdit"]) assert(!first.tools.includes(banned), `${banned} offered`);
  assertEquals(first.answered.kind, "structured");
  assertEquals(r.calls, [], "a reviewer runs no status commands");
});

Deno.test(`${NAME}: review reject parses to changes_requested with the feedback (structured)`, async () => {
  const r = await run({ name: "review-reject", role: "review", knobs: { reject: [WP] } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  const v = parseVerdict(r.result.finalMessage);
  assertEquals(v?.verdict, "changes_requested");
  assertEquals(v?.feedback, REJECT_FEEDBACK);
});

Deno.test(`${NAME}: a review answered as plain text still parses by its VERDICT line`, async () => {
  const r = await run({ name: "review-text", role: "review", knobs: { reviewAsText: true } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertStringIncludes(r.result.finalMessage, "VERDICT: APPROVED");
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
});

Deno.test(`${NAME}: a plain-text reject survives claude's structured-output nudge and parses to changes_requested`, async () => {
  // With --json-schema, a text answer makes claude ask once more ("[structured-output-enforce]
  // You MUST call the StructuredOutput tool"); the same review answers the same verdict again.
  const r = await run({ name: "review-text-reject", role: "review", knobs: { reviewAsText: true, reject: [WP] } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "changes_requested");
  assertStringIncludes(r.stdout, "[structured-output-enforce]");
  assertEquals(modelRequests(r).length, 2, "one answer, one nudge");
});

Deno.test(`${NAME}: 429 ends in rate_limit carrying the server's retry-after (from claude's api_retry line)`, async () => {
  // One retry by the CLI: its `system/api_retry` line is where the server's retry-after shows
  // (retry_delay_ms = retry-after + up to ~25% jitter); the final result names only the status.
  const r = await run({
    name: "err-429",
    role: "implement",
    setup: { maxRetries: 1 },
    faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 2 }, role: "implement" }],
  });
  assertEquals(r.result.failure?.class, "rate_limit", r.stdout);
  const ms = r.result.failure?.retryAfterMs ?? 0;
  assert(ms >= 2_000 && ms <= 3_500, `retryAfterMs ${ms} is the server's 2 s plus jitter`);
  assertStringIncludes(r.result.failure?.message ?? "", "Request rejected (429)");
  assertEquals(r.exitCode, 1);
  assertEquals(modelRequests(r).length, 2, "claude tried once and retried once");
  assertEquals(r.owned, null);
  assert(retriedByEngine("rate_limit"));
});

Deno.test(`${NAME}: claude's own retry waits are output (api_retry lines), not a stall, and the attempt succeeds`, async () => {
  // Three 429s (retry-after 1 s) retried by the CLI itself take longer than our stall limit in
  // all (see RETRY_STALL_MS); each api_retry line is output, so our stall timer never fires. (With `--output-format
  // json` the CLI prints nothing until it gives up, and this attempt would be killed as a stall.)
  const r = await run({
    name: "err-429-retried",
    role: "implement",
    setup: { maxRetries: 3 },
    faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, role: "implement", times: 3 }],
    stallTimeoutMs: RETRY_STALL_MS,
  });
  assertEquals(r.result.failure, null, r.stdout);
  assertEquals(r.owned, `${WP} implemented\n`);
  assertEquals(r.calls, EXPECTED_CALLS);
  assertEquals(r.stdout.split("\n").filter((l) => l.includes('"subtype":"api_retry"')).length, 3);
  const first = r.requests[0]?.at ?? 0;
  const fourth = r.requests[3]?.at ?? 0;
  assert(
    fourth - first > RETRY_STALL_MS,
    `the CLI's retries outlasted our stall limit (${Math.round(fourth - first)} ms)`,
  );
});

Deno.test(`${NAME}: 429 with x-should-retry false ends in rate_limit at once, no retry-after to surface`, async () => {
  const r = await run({
    name: "err-429-no-should-retry",
    role: "implement",
    faults: [{
      fault: { kind: "status", status: 429, retryAfterSeconds: 2, shouldRetry: false },
      role: "implement",
    }],
  });
  assertEquals(r.result.failure?.class, "rate_limit", r.stdout);
  assertEquals(r.result.failure?.retryAfterMs, undefined, "claude prints no retry-after: the engine's backoff applies");
  assertEquals(modelRequests(r).length, 1, "x-should-retry: false stops the CLI's own retries");
});

Deno.test(`${NAME}: 401 ends in auth (no retry, next agent in the chain)`, async () => {
  const r = await run({
    name: "err-401",
    role: "implement",
    setup: { maxRetries: 0 },
    faults: [{ fault: { kind: "status", status: 401 } }],
  });
  assertEquals(r.result.failure?.class, "auth", r.stdout);
  assertStringIncludes(r.result.failure?.message ?? "", "Invalid API key");
  assert(!retriedByEngine("auth"), "auth goes to the next agent of the chain");
  assertEquals(modelRequests(r).length, 1);
});

Deno.test(`${NAME}: 404 model not found ends in model_not_found (surfaced, not retried)`, async () => {
  // No CLAUDE_CODE_MAX_RETRIES: claude does not retry a 404 (it tries the request once more
  // without streaming, then gives up in about a second).
  const r = await run({
    name: "err-404",
    role: "implement",
    faults: [{ fault: { kind: "status", status: 404 }, role: "implement" }],
  });
  assertEquals(r.result.failure?.class, "model_not_found", r.stdout);
  assertStringIncludes(r.result.failure?.message ?? "", "issue with the selected model");
  assert(!retriedByEngine("model_not_found"));
  assert(modelRequests(r).length <= 2, `${modelRequests(r).length} requests`);
});

Deno.test(`${NAME}: 529 overloaded ends in overloaded (transient, retried by the engine)`, async () => {
  const r = await run({
    name: "err-529",
    role: "implement",
    setup: { maxRetries: 0 },
    faults: [{ fault: { kind: "status", status: 529 }, role: "implement" }],
  });
  assertEquals(r.result.failure?.class, "overloaded", r.stdout);
  assertStringIncludes(r.result.failure?.message ?? "", "529 Overloaded");
  assert(retriedByEngine("overloaded"), "transient: waited out by the engine");
});

Deno.test(`${NAME}: one 529 answer is retried by claude itself and the attempt succeeds`, async () => {
  const r = await run({
    name: "err-529-once",
    role: "implement",
    setup: { maxRetries: 1 },
    faults: [{ fault: { kind: "status", status: 529, retryAfterSeconds: 1 }, role: "implement", times: 1 }],
  });
  assertEquals(r.result.failure, null, r.stdout);
  assertEquals(r.owned, `${WP} implemented\n`);
  assertEquals(r.calls, EXPECTED_CALLS);
  assertStringIncludes(r.stdout, '"subtype":"api_retry"', "the CLI's retry is visible in stream-json");
});

Deno.test(`${NAME}: a stream that stalls after its first event is killed at our stall_timeout`, async () => {
  // No byte watchdog: claude 2.1.328 would wait at least five minutes on the silent stream.
  // The stall hits the second implement request, after the file is written.
  const r = await run({
    name: "stall",
    role: "implement",
    faults: [{ fault: { kind: "stall" }, role: "implement", skip: 1, times: 1 }],
    stallTimeoutMs: STALL_MS,
  });
  assertEquals(r.result.failure?.class, "stall", r.stdout);
  assertEquals(r.owned, `${WP} implemented\n`, "the step before the stall ran");
  assert(r.requests.some((q) => q.answered.kind === "stall"), "the stalled stream was served");
  assertEquals(r.calls, [], "nothing after the stall ran");
  assert(retriedByEngine("stall"));
  assert(r.wallMs < STALL_MS + 15_000, `killed near the stall limit (${r.wallMs} ms)`);
});

Deno.test(`${NAME}: with its byte watchdog on, claude recovers a stalled stream itself`, async () => {
  // 10 s is the shortest idle limit claude accepts (it clamps the variable to 10 s .. 30 min).
  const r = await run({
    name: "stall-idle-timeout",
    role: "implement",
    setup: { streamIdleTimeoutMs: 10_000 },
    faults: [{ fault: { kind: "stall" }, role: "implement", times: 1 }],
    stallTimeoutMs: 20_000,
  });
  assertEquals(r.result.failure, null, r.stdout);
  assertEquals(r.owned, `${WP} implemented\n`);
  assertEquals(r.calls, EXPECTED_CALLS);
  assert(r.requests.some((q) => !q.stream), "the retry after the watchdog is a non-streaming request");
});

Deno.test({
  name: `${NAME}: as root without IS_SANDBOX=1, skip-permissions is refused: config, and the message names the fix`,
  ignore: !runningAsRoot(),
  async fn() {
    const r = await runReal({
      agentId: "claude-code",
      adapters: [anthropicAdapter()],
      name: "root-refused",
      role: "implement",
      setup: async (server, dir) => {
        const { env } = await claudeSetup(server, dir);
        delete env["IS_SANDBOX"];
        return { env };
      },
    });
    assertEquals(r.result.failure?.class, "config", r.stdout + r.stderr);
    assertStringIncludes(r.result.failure?.message ?? "", "cannot be used with root/sudo privileges");
    assertStringIncludes(r.result.failure?.message ?? "", "IS_SANDBOX=1");
    assertEquals(r.requests.length, 0, "refused before any request");
  },
});
