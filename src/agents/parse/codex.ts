/**
 * Codex (`codex exec --json`): JSONL `ThreadEvent`s. Success = `turn.completed` as the last
 * terminal event and exit 0; `error` events alone are not terminal (`Reconnecting...` lines
 * are retries Codex recovered from). Tokens from `turn.completed.usage`; Codex reports no cost.
 *
 * @module
 */
import type { TokenUsage } from "../../domain/agent.ts";
import { classifyHttpStatus, classifyText, explainingLine, lastLines } from "./classify.ts";
import { asObject, lineObject, num, obj, str, tryParse } from "./json.ts";
import { retryAfterFromText } from "./retry_after.ts";
import { failed, LINES_NEEDS, type ParserFactory, skippedNote, type StreamParser, succeeded } from "./types.ts";

const MAX_MESSAGE = 256 * 1024;

/** Codex nests raw API error JSON inside `message`; pull out its status and text. */
function unwrapApiError(message: string): { status?: number; text: string } {
  const inner = asObject(tryParse(message));
  if (!inner) return { text: message };
  const status = num(inner, "status");
  const text = str(obj(inner, "error"), "message") ?? message;
  return status === undefined ? { text } : { status, text };
}

/**
 * The HTTP status in Codex's own error lines, as 0.169 prints them: "unexpected status 503
 * Service Unavailable: …" and "exceeded retry limit, last status: 429 Too Many Requests". The
 * JSONL `error` event has no code field, so the status in this fixed prefix is the most
 * structured thing there is (a 403 says "Forbidden", which no text pattern classifies).
 */
function statusInMessage(message: string): number | undefined {
  const m = /^(?:unexpected status|exceeded retry limit, last status:) (\d{3})\b/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Codex's own stream watchdog (`stream_idle_timeout_ms` of the model provider) gave up on a
 * stream that sent nothing: the same failure our stall timer catches, so the same class.
 */
const IDLE_TIMEOUT = /^stream disconnected before completion: idle timeout waiting for SSE/;

/** Parser for Codex. */
export const codexParser: ParserFactory = (): StreamParser => {
  let finalMessage = "";
  let tokens: TokenUsage | null = null;
  let terminal: "completed" | "failed" | null = null;
  let failMessage = "";
  let lastError = "";
  let sawEvent = false;
  return {
    stdout: LINES_NEEDS,
    line(line) {
      const ev = lineObject(line);
      if (!ev) return;
      sawEvent = true;
      const type = str(ev, "type");
      if (type === "item.completed") {
        const item = obj(ev, "item");
        if (str(item, "type") === "agent_message") finalMessage = (str(item, "text") ?? "").slice(0, MAX_MESSAGE);
      } else if (type === "turn.completed") {
        terminal = "completed";
        const usage = obj(ev, "usage");
        if (usage) tokens = { input: num(usage, "input_tokens") ?? 0, output: num(usage, "output_tokens") ?? 0 };
      } else if (type === "turn.failed") {
        terminal = "failed";
        failMessage = str(obj(ev, "error"), "message") ?? "turn failed";
      } else if (type === "error") {
        const m = str(ev, "message") ?? "";
        if (!/^Reconnecting\.\.\./.test(m)) lastError = m;
      }
    },
    finish(ctx) {
      if (terminal === "completed" && ctx.exitCode === 0) return succeeded(finalMessage, null, tokens);
      const raw = terminal === "failed" ? failMessage : lastError;
      const unwrapped = unwrapApiError(raw);
      const text = unwrapped.text;
      const prefixStatus = statusInMessage(text);
      const status = unwrapped.status ?? prefixStatus;
      const stderr = lastLines(ctx.stderrTail);
      const retry = retryAfterFromText(`${text}\n${ctx.stderrTail}`, ctx.nowMs);
      const extra = { tokens, finalMessage, ...(retry === undefined ? {} : { retryAfterMs: retry }) };
      if (IDLE_TIMEOUT.test(text)) return failed("stall", text, extra);
      // A model Codex's endpoint does not know is "The model `x` does not exist…" (a text
      // pattern); a bare "unexpected status 404 Not Found" means the URL serves no Responses API
      // at all: a wrong `base_url` or `wire_api`, which no retry fixes.
      const byStatus = prefixStatus === 404 ? "config" : classifyHttpStatus(status);
      const fromMessage = classifyText(text) ?? byStatus;
      if (fromMessage) return failed(fromMessage, text, extra);
      const fromStderr = classifyText(ctx.stderrTail);
      if (fromStderr) return failed(fromStderr, explainingLine(ctx.stderrTail), extra);
      if (terminal === "completed") {
        return failed("crash", `codex exited with code ${ctx.exitCode} after completing the turn`, extra);
      }
      if (raw || ctx.exitCode !== 0) {
        return failed("crash", text || stderr || `codex exited with code ${ctx.exitCode}`, extra);
      }
      return failed(
        sawEvent ? "crash" : "bad_output",
        "codex exited 0 without turn.completed" + skippedNote(ctx) + (stderr ? `; stderr: ${stderr}` : ""),
        extra,
      );
    },
  };
};
