/**
 * Qwen Code (`qwen --output-format json`): a one-line JSON array of messages whose last one is
 * the `result`; errors in `error.message`. Exit 53 = turn limit, 55 = budget (not "untrusted").
 *
 * Qwen 0.24.4 reports a provider's HTTP failure only as text, `error.message` =
 * `[API Error: <status> <provider message>]` (exit 1, no status field); the status in that
 * fixed prefix is the one structured fact, so it decides the class (401 auth, 404 model not
 * found, 429 rate limit, 503/529 overloaded) before any pattern over the provider's prose.
 *
 * A reviewer run with `--json-schema` whose model answered in plain text instead of calling the
 * `structured_output` tool fails in Qwen (exit 1, `error_during_execution`). When that text
 * holds a verdict line our reviewers are asked for anyway, the verdict stands: the review was
 * done and only its wrapping was refused, so it is not paid for twice.
 *
 * @module
 */
import type { FailureClass } from "../../domain/agent.ts";
import { classifyHttpStatus } from "./classify.ts";
import { parseEnvelope, usageTokens } from "./envelope.ts";
import { findLast, type Json, jsonEvents, obj, str } from "./json.ts";
import {
  JSON_VALUE_NEEDS,
  type ParseContext,
  type ParsedOutput,
  type ParserFactory,
  type StreamParser,
  succeeded,
} from "./types.ts";
import { parseVerdict } from "../../core/verdict.ts";

/** The fixed prefix Qwen gives an API failure (`parseAndFormatApiError`). */
const API_ERROR_STATUS = /^\[API Error: (\d{3})\b/;

/** The class of `[API Error: NNN …]` in the result's `error.message`, else null. */
export function qwenApiErrorClass(result: Json | undefined): FailureClass | null {
  const m = API_ERROR_STATUS.exec((str(obj(result ?? null, "error"), "message") ?? "").trimStart());
  return m ? classifyHttpStatus(Number(m[1])) : null;
}

/** The text blocks of the last assistant message. */
function lastAssistantText(events: Json[]): string {
  const msg = obj(findLast(events, (e) => e["type"] === "assistant") ?? null, "message");
  const content = msg?.["content"];
  if (!Array.isArray(content)) return "";
  return content.map((
    c,
  ) => (typeof c === "object" && c !== null && (c as Json)["type"] === "text" ? str(c as Json, "text") ?? "" : ""))
    .join("");
}

function decide(ctx: ParseContext): ParsedOutput {
  const tokens = (r: Json) => usageTokens(obj(r, "usage"), ["input_tokens"], ["output_tokens"]);
  const out = parseEnvelope(ctx, {
    cli: "qwen",
    tokens,
    exitCodes: { 41: "auth", 42: "config", 52: "config", 53: "timeout", 55: "timeout" },
    structuredClass: (_events, result) => qwenApiErrorClass(result),
    finalFrom: (r) => r["structured_result"] === undefined ? undefined : JSON.stringify(r["structured_result"]),
  });
  if (out.ok || ctx.role !== "review") return out;
  const events = jsonEvents(ctx.stdoutTail);
  const result = findLast(events, (e) => e["type"] === "result");
  if (str(result ?? null, "subtype") !== "error_during_execution" || qwenApiErrorClass(result)) return out;
  const text = lastAssistantText(events);
  return parseVerdict(text) === null ? out : succeeded(text, null, result ? tokens(result) : null);
}

/** Parser for Qwen Code. */
export const qwenParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: decide,
});
