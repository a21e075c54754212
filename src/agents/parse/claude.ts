/**
 * Claude Code (`claude -p --output-format stream-json --verbose`, or `json`): stream-json
 * lines ending in one `result` object (or that object alone, or a JSON array of messages in
 * `json --verbose` mode). `is_error` decides, never the subtype alone: API failures come back
 * as `subtype:"success"` with `is_error:true`.
 *
 * What Claude Code 2.1.328 really prints for a failed API request (recorded against a model
 * server on loopback, replayed by `real_samples_test.ts`): exit 1, empty stderr, a result with
 * `terminal_reason: "api_error"`, `api_error_status` (the HTTP status) and `api_error_type`
 * (Anthropic's error type), preceded in stream-json by a synthetic assistant message whose
 * `error` is a code (`rate_limit`, `authentication_failed`, `model_not_found`,
 * `server_error`) and, when the CLI retried, by `system/api_retry` lines whose
 * `retry_delay_ms` is the server's `retry-after` (plus the CLI's jitter).
 *
 * @module
 */
import type { FailureClass } from "../../domain/agent.ts";
import { classifyHttpStatus } from "./classify.ts";
import { parseEnvelope, statusClass, usageTokens } from "./envelope.ts";
import { findLast, type Json, jsonEvents, num, obj, str } from "./json.ts";
import { delayUntil } from "./retry_after.ts";
import { JSON_VALUE_NEEDS, type ParsedOutput, type ParserFactory, type StreamParser } from "./types.ts";

/** Anthropic's error types (`api_error_type`) that name a class on their own. */
const ERROR_TYPE_CLASS: Readonly<Record<string, FailureClass>> = {
  authentication_error: "auth",
  permission_error: "auth",
  rate_limit_error: "rate_limit",
  not_found_error: "model_not_found",
  overloaded_error: "overloaded",
};

/** Claude Code's own error codes on the synthetic assistant message of a failed request. */
const ASSISTANT_ERROR_CLASS: Readonly<Record<string, FailureClass>> = {
  authentication_failed: "auth",
  rate_limit: "rate_limit",
  model_not_found: "model_not_found",
};

function structuredClass(events: Json[], result: Json | undefined): FailureClass | null {
  const byStatus = statusClass(result, "api_error_status");
  if (byStatus) return byStatus;
  const byType = ERROR_TYPE_CLASS[str(result, "api_error_type") ?? ""];
  if (byType) return byType;
  const assistantError = findLast(events, (e) => typeof e["error"] === "string");
  const byCode = ASSISTANT_ERROR_CLASS[str(assistantError, "error") ?? ""];
  if (byCode) return byCode;
  const rl = findLast(events, (e) => e["type"] === "rate_limit_event");
  if (str(obj(rl, "rate_limit_info"), "status") === "rejected") return "rate_limit";
  const subtype = str(result, "subtype");
  if (subtype === "error_max_turns") return "timeout";
  if (subtype === "error_max_budget_usd") return "crash";
  return null;
}

/** Classes whose `api_retry` delay is the server asking us to wait (not an auth retry's backoff). */
const WAIT_CLASSES: readonly FailureClass[] = ["rate_limit", "overloaded"];

function retryAfter(events: Json[], nowMs: number): number | undefined {
  const rl = findLast(events, (e) => e["type"] === "rate_limit_event");
  const resetsAt = num(obj(rl, "rate_limit_info"), "resetsAt");
  if (resetsAt !== undefined) return delayUntil(resetsAt * 1000, nowMs);
  // The CLI's last retry before it gave up waited what the server's retry-after said.
  const retry = findLast(events, (e) => e["type"] === "system" && e["subtype"] === "api_retry");
  const delay = num(retry, "retry_delay_ms");
  const cls = classifyHttpStatus(num(retry, "error_status"));
  return delay !== undefined && delay > 0 && cls !== null && WAIT_CLASSES.includes(cls) ? Math.ceil(delay) : undefined;
}

/**
 * The fix for Claude Code's refusal to skip permissions as root. The CLI gives no code for it,
 * only this stderr line (already classified `config` by the documented text patterns); the
 * hint names the variable the `claude-code` agent passes through.
 */
const ROOT_REFUSAL = /cannot be used with root\/sudo privileges/i;
const ROOT_FIX = "; run the orchestrator as a normal user, or export IS_SANDBOX=1 (exactly 1) in its " +
  "environment if this machine is a disposable container or sandbox (the claude-code agent passes it to claude)";

function withHints(out: ParsedOutput, stdoutTail: string): ParsedOutput {
  if (out.failure?.class === "config" && ROOT_REFUSAL.test(out.failure.message)) {
    return { ...out, failure: { ...out.failure, message: out.failure.message + ROOT_FIX } };
  }
  if (!out.ok) return out;
  // A reviewer's structured verdict: prefer the object over `result` (2.1.328 prints both, the
  // same JSON; the object is what --json-schema validated).
  const result = findLast(jsonEvents(stdoutTail), (e) => e["type"] === "result");
  const structured = result?.["structured_output"];
  return structured === undefined || structured === null ? out : { ...out, finalMessage: JSON.stringify(structured) };
}

/** Parser for Claude Code. */
export const claudeParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
    withHints(
      parseEnvelope(ctx, {
        cli: "claude",
        cost: (r) => num(r, "total_cost_usd") ?? null,
        tokens: (r) =>
          usageTokens(obj(r, "usage"), ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"], [
            "output_tokens",
          ]),
        structuredClass,
        structuredRetryAfter: retryAfter,
        finalFrom: (r) => r["structured_output"] === undefined ? undefined : JSON.stringify(r["structured_output"]),
      }),
      ctx.stdoutTail,
    ),
});
