/**
 * Parsers for custom agents (`output: text | json | jsonl` in orchestration.yaml). Success is
 * the exit code: non-zero (or a signal) is a crash. The final message is the last ~4 KiB of
 * stdout (text), the last JSON object (json) or the last JSONL event with a
 * `result`/`message`/`text` string (jsonl).
 *
 * @module
 */
import type { OutputFormat } from "../../config/types.ts";
import { lastLines } from "./classify.ts";
import { findLast, type Json, jsonEvents, jsonLines, num, str } from "./json.ts";
import { failed, type ParserFactory, type StreamParser, succeeded } from "./types.ts";

/** Bytes of stdout used as the final message of a text agent. */
export const TEXT_FINAL_CHARS = 4096;

function messageOf(event: Json): string | undefined {
  if (typeof event["verdict"] === "string") return JSON.stringify(event);
  return str(event, "result") ?? str(event, "message") ?? str(event, "text");
}

function costOf(event: Json | undefined): number | null {
  return num(event, "total_cost_usd") ?? num(event, "cost_usd") ?? null;
}

/** The parser for a custom agent's output format. */
export function customParser(format: OutputFormat, agentId: string): ParserFactory {
  return (): StreamParser => ({
    line() {},
    finish(ctx) {
      if (ctx.exitCode !== 0) {
        const why = lastLines(ctx.stderrTail) || lastLines(ctx.stdoutTail);
        return failed("crash", `custom agent '${agentId}' exited with code ${ctx.exitCode}` + (why ? `: ${why}` : ""));
      }
      if (format === "text") {
        const out = ctx.stdoutTail.trimEnd();
        return succeeded(out.slice(Math.max(0, out.length - TEXT_FINAL_CHARS)), null, null);
      }
      const events = format === "json" ? jsonEvents(ctx.stdoutTail) : jsonLines(ctx.stdoutTail);
      const event = format === "json" ? events[events.length - 1] : findLast(events, (e) => messageOf(e) !== undefined);
      if (!event) {
        return failed(
          "bad_output",
          `custom agent '${agentId}' printed no ${
            format === "json" ? "JSON object" : "JSONL event with a result, message or text field"
          }`,
        );
      }
      return succeeded(messageOf(event) ?? JSON.stringify(event), costOf(event), null);
    },
  });
}
