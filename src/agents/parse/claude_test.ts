/**
 * The Claude Code parser's decisions on the fields 2.1.328 added (the recorded real outputs are
 * replayed by real_samples_test.ts): classification without `api_error_status`, which
 * `api_retry` delays count as a retry-after, the structured verdict and the root refusal's fix.
 */
import { assert, assertEquals, assertStringIncludes } from "../../../test/support/assert.ts";
import { claudeParser } from "./claude.ts";
import { parseAll } from "../stdout_capture.ts";

const lines = (...objs: unknown[]) => objs.map((o) => JSON.stringify(o)).join("\n") + "\n";
const apiError = (extra: Record<string, unknown>) => ({
  type: "result",
  subtype: "success",
  is_error: true,
  terminal_reason: "api_error",
  result: "API Error",
  ...extra,
});
const retry = (status: number, delay: number) => ({
  type: "system",
  subtype: "api_retry",
  attempt: 1,
  max_retries: 1,
  retry_delay_ms: delay,
  error_status: status,
});
const parse = (stdout: string, exitCode = 1, stderr = "") =>
  parseAll(claudeParser, { stdout, stderr, exitCode, nowMs: 0 });

Deno.test("claude parser: api_error_type classifies when api_error_status is absent", () => {
  const cases = [
    ["authentication_error", "auth"],
    ["rate_limit_error", "rate_limit"],
    ["not_found_error", "model_not_found"],
    ["overloaded_error", "overloaded"],
  ] as const;
  for (const [type, cls] of cases) {
    assertEquals(parse(lines(apiError({ api_error_type: type }))).failure?.class, cls, type);
  }
});

Deno.test("claude parser: the assistant message's error code classifies (model_not_found)", () => {
  const out = parse(lines({ type: "assistant", error: "model_not_found", message: {} }, apiError({})));
  assertEquals(out.failure?.class, "model_not_found");
});

Deno.test("claude parser: a 429/529 api_retry delay is the retry-after; an auth retry's backoff is not", () => {
  const limited = parse(lines(retry(429, 2_345.2), apiError({ api_error_status: 429 })));
  assertEquals([limited.failure?.class, limited.failure?.retryAfterMs], ["rate_limit", 2_346]);
  const busy = parse(lines(retry(529, 1_200), apiError({ api_error_status: 529 })));
  assertEquals([busy.failure?.class, busy.failure?.retryAfterMs], ["overloaded", 1_200]);
  const auth = parse(lines(retry(401, 600), apiError({ api_error_status: 401 })));
  assertEquals([auth.failure?.class, auth.failure?.retryAfterMs], ["auth", undefined]);
});

Deno.test("claude parser: a reviewer's final message is structured_output even when result is prose", () => {
  const verdict = { verdict: "approved", feedback: "fine" };
  const out = parse(
    lines({ type: "result", subtype: "success", is_error: false, result: "Here it is.", structured_output: verdict }),
    0,
  );
  assert(out.ok);
  assertEquals(JSON.parse(out.finalMessage), verdict);
});

Deno.test("claude parser: the root refusal is config and names IS_SANDBOX=1", () => {
  const out = parse(
    "",
    1,
    "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n",
  );
  assertEquals(out.failure?.class, "config");
  assertStringIncludes(out.failure?.message ?? "", "cannot be used with root/sudo privileges");
  assertStringIncludes(out.failure?.message ?? "", "IS_SANDBOX=1");
});
