/**
 * OpenCode and Kilo ≥1.0 (`opencode run --format json`, `kilo run --format json`): JSONL
 * events. Success = a `step_finish` with `reason:"stop"` after the last `error`, whatever the
 * exit code (old versions exit 0 on errors, v2 exits 1 after recovered ones). Cost and tokens
 * are summed over every `step_finish`. Legacy `kilocode` JSONL (`say:"completion_result"`) is
 * accepted too.
 *
 * @module
 */
import { streamFailure } from "./stream_failure.ts";
import type { FailureClass } from "../../domain/agent.ts";
import { classifyHttpStatus } from "./classify.ts";
import { type Json, lineObject, num, obj, str } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { LINES_NEEDS, type ParserFactory, type StreamParser, succeeded } from "./types.ts";

const MAX_MESSAGE = 256 * 1024;

function errorMessage(error: Json | null): string {
  return str(obj(error, "data"), "message") ?? str(error, "message") ?? str(error, "name") ?? "error";
}

function errorClass(error: Json | null): FailureClass | null {
  const name = str(error, "name");
  if (name === "ProviderAuthError") return "auth";
  if (name === "ProviderModelNotFoundError") return "model_not_found";
  return classifyHttpStatus(num(obj(error, "data"), "statusCode") ?? num(error, "statusCode"));
}

/** Parser for OpenCode / Kilo. */
export const opencodeParser: ParserFactory = (): StreamParser => {
  let cost = 0;
  let sawCost = false;
  const tokens = { input: 0, output: 0 };
  let sawTokens = false;
  let lastMessageId = "";
  let text = "";
  let seq = 0;
  let lastStop = -1;
  let lastErrorAt = -1;
  let lastError: Json | null = null;
  let legacyFinal: string | null = null;
  return {
    stdout: LINES_NEEDS,
    line(line) {
      const ev = lineObject(line);
      if (!ev) return;
      seq++;
      const type = str(ev, "type");
      const part = obj(ev, "part");
      if (type === "text") {
        const id = str(part, "messageID") ?? "";
        if (id !== lastMessageId) {
          lastMessageId = id;
          text = "";
        }
        text = (text + (str(part, "text") ?? "")).slice(0, MAX_MESSAGE);
      } else if (type === "step_finish") {
        const c = num(part, "cost");
        if (c !== undefined) (cost += c, sawCost = true);
        const t = obj(part, "tokens");
        if (t) {
          tokens.input += (num(t, "input") ?? 0) + (num(obj(t, "cache"), "read") ?? 0);
          tokens.output += (num(t, "output") ?? 0) + (num(t, "reasoning") ?? 0);
          sawTokens = true;
        }
        if (str(part, "reason") === "stop") lastStop = seq;
      } else if (type === "error") {
        lastErrorAt = seq;
        lastError = obj(ev, "error");
      } else if (str(ev, "say") === "completion_result" && ev["partial"] === false) {
        legacyFinal = (str(ev, "content") ?? "").slice(0, MAX_MESSAGE);
      }
    },
    finish(ctx) {
      const costUsd = sawCost ? cost : null;
      const usage = sawTokens ? tokens : null;
      if (lastStop > lastErrorAt) return succeeded(text, costUsd, usage);
      if (legacyFinal !== null && lastErrorAt < 0 && ctx.exitCode === 0) return succeeded(legacyFinal, costUsd, usage);
      const message = lastError ? errorMessage(lastError) : "";
      const headers = obj(obj(lastError, "data"), "responseHeaders");
      const ra = Number(str(headers, "retry-after") ?? num(headers, "retry-after") ?? NaN);
      const retry = Number.isFinite(ra) && ra >= 0
        ? Math.ceil(ra * 1000)
        : retryAfterFromText(`${message}\n${ctx.stderrTail}`, ctx.nowMs);
      const extra = {
        costUsd,
        tokens: usage,
        finalMessage: text,
        ...(retry === undefined ? {} : { retryAfterMs: retry }),
      };
      return streamFailure(ctx, {
        cli: "opencode",
        message,
        structured: errorClass(lastError),
        errored: Boolean(lastError),
        missing: "a finished step",
        extra,
      });
    },
  };
};
