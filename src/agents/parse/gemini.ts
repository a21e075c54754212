/**
 * Gemini CLI (`gemini --output-format json`): one pretty-printed `{response, stats}` object on
 * success; errors as pretty JSON on **stderr**. Fatal errors have fixed exit codes (41 auth,
 * 42 input, 52 config, 53 turn limit, 55 untrusted workspace); API errors may exit with the
 * HTTP status mod 256 (429 → 173). stream-json (`init`/`message`/`result` lines) is accepted too.
 *
 * @module
 */
import type { FailureClass, TokenUsage } from "../../domain/agent.ts";
import { classifyHttpStatus, classifyText, lastLines } from "./classify.ts";
import { asObject, findLast, type Json, jsonEvents, num, obj, str } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import {
  failed,
  JSON_VALUE_NEEDS,
  type ParseContext,
  type ParsedOutput,
  type ParserFactory,
  type StreamParser,
  succeeded,
} from "./types.ts";

const EXIT_CODES: Readonly<Record<number, FailureClass>> = {
  41: "auth",
  42: "config",
  44: "config",
  52: "config",
  53: "timeout",
  54: "crash",
  55: "config",
  130: "crash",
};

function modelTokens(stats: Json | null): TokenUsage | null {
  const models = obj(stats, "models");
  if (!models) return null;
  const total = { input: 0, output: 0 };
  let any = false;
  for (const m of Object.values(models)) {
    const t = obj(asObject(m), "tokens");
    if (!t) continue;
    any = true;
    total.input += num(t, "prompt") ?? 0;
    total.output += num(t, "candidates") ?? 0;
  }
  return any ? total : null;
}

/** The assistant text of the last turn in a stream-json run. */
function streamFinal(events: Json[]): string {
  let text = "";
  for (const ev of events) {
    const type = str(ev, "type");
    if (type === "message" && str(ev, "role") === "assistant") text += str(ev, "content") ?? "";
    else if (type === "tool_use" || type === "tool_result") text = "";
  }
  return text;
}

function decide(ctx: ParseContext): ParsedOutput {
  const events = jsonEvents(ctx.stdoutTail);
  const doc = events.length === 1 && events[0] && "response" in events[0] ? events[0] : undefined;
  const result = findLast(events, (e) => e["type"] === "result");
  let tokens: TokenUsage | null = null;
  if (doc) tokens = modelTokens(obj(doc, "stats"));
  else if (result) {
    const s = obj(result, "stats");
    tokens = s ? { input: num(s, "input_tokens") ?? 0, output: num(s, "output_tokens") ?? 0 } : null;
  }
  if (ctx.exitCode === 0 && doc && !obj(doc, "error")) return succeeded(str(doc, "response") ?? "", null, tokens);
  if (ctx.exitCode === 0 && result && str(result, "status") === "success") {
    return succeeded(streamFinal(events), null, tokens);
  }

  const stderrDoc = jsonEvents(ctx.stderrTail).find((e) => obj(e, "error"));
  const error = obj(doc, "error") ?? obj(result, "error") ?? obj(stderrDoc, "error");
  const message = str(error, "message") ?? "";
  const stderr = lastLines(ctx.stderrTail);
  const retry = retryAfterFromText(`${message}\n${ctx.stderrTail}`, ctx.nowMs);
  const extra = { tokens, ...(retry === undefined ? {} : { retryAfterMs: retry }) };
  const why = message || stderr || `gemini exited with code ${ctx.exitCode}`;

  const fixed = ctx.exitCode === null ? undefined : EXIT_CODES[ctx.exitCode];
  if (fixed) return failed(fixed, why, extra);
  // The API's HTTP status in the error object (`code`) decides before any text: 0.61.0 prints
  // its retry stack trace on stderr, and names a 503 "The model is overloaded" a
  // `RetryableQuotaError` there, which the text patterns took for a rate limit.
  const code = num(error, "code");
  const fromCode = classifyHttpStatus(code !== undefined && code >= 400 ? code : undefined);
  if (fromCode) return failed(fromCode, why, extra);
  const fromText = classifyText(message) ?? classifyText(ctx.stderrTail);
  if (fromText) return failed(fromText, why, extra);
  // Exit codes above 255 wrap: 0.61.0 exits with the HTTP status mod 256 (429 → 173, 503 → 247).
  const fromStatus = classifyHttpStatus(ctx.exitCode !== null && ctx.exitCode > 0 ? ctx.exitCode + 256 : undefined);
  if (fromStatus) return failed(fromStatus, why, extra);
  if (ctx.exitCode === 0 && !error) {
    return failed(
      "bad_output",
      "gemini exited 0 without a response object" + (stderr ? `; stderr: ${stderr}` : ""),
      extra,
    );
  }
  return failed("crash", why, extra);
}

/** Parser for Gemini CLI. */
export const geminiParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: decide,
});
