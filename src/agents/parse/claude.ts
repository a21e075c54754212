/**
 * Claude Code (`claude -p --output-format json`): one `result` object (or a JSON array of
 * messages in verbose mode, or stream-json lines). `is_error` decides, never the subtype
 * alone: API failures come back as `subtype:"success"` with `is_error:true`.
 *
 * @module
 */
import type { FailureClass } from "../types.ts";
import { parseEnvelope, statusClass, usageTokens } from "./envelope.ts";
import { findLast, type Json, num, obj, str } from "./json.ts";
import { delayUntil } from "./retry_after.ts";
import { JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

function structuredClass(events: Json[], result: Json | undefined): FailureClass | null {
  const byStatus = statusClass(result, "api_error_status");
  if (byStatus) return byStatus;
  const assistantError = findLast(events, (e) => typeof e["error"] === "string");
  const code = str(assistantError, "error");
  if (code === "authentication_failed") return "auth";
  if (code === "rate_limit") return "rate_limit";
  const rl = findLast(events, (e) => e["type"] === "rate_limit_event");
  if (str(obj(rl, "rate_limit_info"), "status") === "rejected") return "rate_limit";
  const subtype = str(result, "subtype");
  if (subtype === "error_max_turns") return "timeout";
  if (subtype === "error_max_budget_usd") return "crash";
  return null;
}

function retryAfter(events: Json[], nowMs: number): number | undefined {
  const rl = findLast(events, (e) => e["type"] === "rate_limit_event");
  const resetsAt = num(obj(rl, "rate_limit_info"), "resetsAt");
  return resetsAt === undefined ? undefined : delayUntil(resetsAt * 1000, nowMs);
}

/** Parser for Claude Code. */
export const claudeParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
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
});
