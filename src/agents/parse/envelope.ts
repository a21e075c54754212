/**
 * The `{"type":"result","is_error":…,"subtype":…,"result":…}` envelope shared by Claude Code,
 * Qwen Code, Cursor, Auggie and Letta (object, JSON array or JSONL stream). Each CLI's parser
 * supplies how to read cost/tokens and any structured error hints; the decision order is the
 * one of docs/agents.md "Decision order".
 *
 * @module
 */
import type { FailureClass, TokenUsage } from "../../domain/agent.ts";
import { classifyHttpStatus, classifyText, explainingLine, lastLines } from "./classify.ts";
import { findLast, type Json, jsonEvents, num, obj, str } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { failed, type ParseContext, type ParsedOutput, succeeded } from "./types.ts";

/** Per-CLI hooks for {@link parseEnvelope}. */
export interface EnvelopeOptions {
  /** CLI name for messages. */
  cli: string;
  cost?: (result: Json) => number | null;
  tokens?: (result: Json) => TokenUsage | null;
  /** A class decided from structured fields of the stream (checked before text patterns). */
  structuredClass?: (events: Json[], result: Json | undefined, ctx: ParseContext) => FailureClass | null;
  /** A retry delay from structured fields. */
  structuredRetryAfter?: (events: Json[], nowMs: number) => number | undefined;
  /** Exit codes with a fixed meaning (Qwen 53/55). */
  exitCodes?: Readonly<Record<number, FailureClass>>;
  /** Final message when no `result` string is given (e.g. structured output). */
  finalFrom?: (result: Json) => string | undefined;
}

/** The error text of a result: `result`, `errors[]`, `error.message`, or a stream `error` event. */
function errorText(result: Json | undefined, events: Json[]): string {
  const parts: string[] = [];
  if (result) {
    const r = str(result, "result");
    if (r) parts.push(r);
    const errs = result["errors"];
    if (Array.isArray(errs)) parts.push(...errs.filter((e): e is string => typeof e === "string"));
    const e = str(obj(result, "error"), "message");
    if (e) parts.push(e);
  }
  if (parts.length === 0) {
    const ev = findLast(events, (e) => e["type"] === "error");
    const m = str(ev, "message") ?? str(obj(ev, "error"), "message");
    if (m) parts.push(m);
  }
  return parts.join("\n");
}

/** Parses one result-envelope CLI's output; see the module doc. */
export function parseEnvelope(ctx: ParseContext, opts: EnvelopeOptions): ParsedOutput {
  const events = jsonEvents(ctx.stdoutTail);
  const result = findLast(events, (e) => e["type"] === "result");
  const costUsd = result && opts.cost ? opts.cost(result) : null;
  const tokens = result && opts.tokens ? opts.tokens(result) : null;
  const isError = result?.["is_error"] === true ||
    (result !== undefined && str(result, "subtype") !== undefined && str(result, "subtype") !== "success");
  const streamError = findLast(events, (e) => e["type"] === "error");

  if (result && !isError && !streamError && ctx.exitCode === 0) {
    const final = str(result, "result") || opts.finalFrom?.(result) || "";
    return succeeded(final, costUsd, tokens);
  }

  const stderrError = obj(jsonEvents(ctx.stderrTail).find((e) => obj(e, "error")), "error");
  const message = errorText(result, events) || (str(stderrError, "message") ?? "");
  const stderr = lastLines(ctx.stderrTail);
  const retry = opts.structuredRetryAfter?.(events, ctx.nowMs) ??
    retryAfterFromText(`${message}\n${ctx.stderrTail}`, ctx.nowMs);
  const extra = { costUsd, tokens, ...(retry === undefined ? {} : { retryAfterMs: retry }) };

  const structured = opts.structuredClass?.(events, result, ctx) ?? null;
  if (structured) return failed(structured, message || stderr, extra);
  if (ctx.exitCode !== null && opts.exitCodes?.[ctx.exitCode]) {
    return failed(opts.exitCodes[ctx.exitCode] as FailureClass, message || stderr, extra);
  }
  const fromMessage = classifyText(message);
  if (fromMessage) return failed(fromMessage, message, extra);
  const fromStderr = classifyText(ctx.stderrTail);
  if (fromStderr) return failed(fromStderr, message || explainingLine(ctx.stderrTail), extra);
  if (result || ctx.exitCode !== 0) {
    const why = message || stderr || `${opts.cli} exited with code ${ctx.exitCode}`;
    return failed("crash", why, extra);
  }
  return failed(
    "bad_output",
    `${opts.cli} exited 0 without a result object on stdout` + (stderr ? `; stderr: ${stderr}` : ""),
    extra,
  );
}

/** `api_error_status`-style HTTP status on a result object. */
export function statusClass(result: Json | undefined, key: string): FailureClass | null {
  return classifyHttpStatus(num(result, key));
}

/** Reads `{input_tokens, output_tokens}` style usage. */
export function usageTokens(usage: Json | null, inputKeys: string[], outputKeys: string[]): TokenUsage | null {
  if (!usage) return null;
  const sum = (keys: string[]) => keys.reduce((acc, k) => acc + (num(usage, k) ?? 0), 0);
  const hasAny = [...inputKeys, ...outputKeys].some((k) => num(usage, k) !== undefined);
  return hasAny ? { input: sum(inputKeys), output: sum(outputKeys) } : null;
}
