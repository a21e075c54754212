/**
 * Parsers for custom agents (`output: text | json | jsonl` in orchestration.yaml). Success is
 * the exit code: non-zero (or a signal) is a crash. The final message is the last ~4 KiB of
 * stdout (text), the last JSON object (json) or the last JSONL event with a
 * `result`/`message`/`text` string (jsonl, read line by line as it arrives).
 *
 * Each format keeps only what it reads of stdout: a 64 KiB tail for text (its final message and
 * crash messages), the same plus the last JSON value (≤ 1 MiB) for json, lines plus the 64 KiB
 * tail for jsonl.
 *
 * @module
 */
import type { OutputFormat } from "../../domain/config.ts";
import { lastLines } from "./classify.ts";
import { type Json, jsonEvents, lineObject, num, str } from "./json.ts";
import {
  failed,
  JSON_TAIL_BYTES,
  MESSAGE_TAIL_BYTES,
  type ParserFactory,
  skippedNote,
  type StdoutNeeds,
  type StreamParser,
  succeeded,
} from "./types.ts";

/** Bytes of stdout used as the final message of a text agent. */
export const TEXT_FINAL_CHARS = 4096;

const NEEDS: Readonly<Record<OutputFormat, StdoutNeeds>> = {
  text: { lines: false, tailBytes: MESSAGE_TAIL_BYTES },
  json: { lines: false, tailBytes: MESSAGE_TAIL_BYTES, jsonTailBytes: JSON_TAIL_BYTES },
  jsonl: { lines: true, tailBytes: MESSAGE_TAIL_BYTES },
};

function hasMessage(event: Json): boolean {
  return typeof event["verdict"] === "string" || ["result", "message", "text"].some((k) => str(event, k) !== undefined);
}

function messageOf(event: Json): string | undefined {
  if (typeof event["verdict"] === "string") return JSON.stringify(event);
  return str(event, "result") ?? str(event, "message") ?? str(event, "text");
}

function costOf(event: Json | undefined): number | null {
  return num(event, "total_cost_usd") ?? num(event, "cost_usd") ?? null;
}

/** The parser for a custom agent's output format. */
export function customParser(format: OutputFormat, agentId: string): ParserFactory {
  return (): StreamParser => {
    // jsonl: the last event with a message, kept as lines arrive (never the whole stream).
    let lastEvent: Json | undefined;
    return {
      stdout: NEEDS[format],
      line(raw) {
        const line = raw.trim();
        const event = lineObject(line);
        if (event && hasMessage(event)) lastEvent = event;
      },
      finish(ctx) {
        if (ctx.exitCode !== 0) {
          const why = lastLines(ctx.stderrTail) || lastLines(ctx.stdoutTail);
          return failed(
            "crash",
            `custom agent '${agentId}' exited with code ${ctx.exitCode}` + (why ? `: ${why}` : ""),
          );
        }
        if (format === "text") {
          const out = ctx.stdoutTail.trimEnd();
          return succeeded(out.slice(Math.max(0, out.length - TEXT_FINAL_CHARS)), null, null);
        }
        const event = format === "json" ? jsonEvents(ctx.stdoutTail).at(-1) : lastEvent;
        if (!event) {
          return failed(
            "bad_output",
            `custom agent '${agentId}' printed no ${
              format === "json" ? "JSON object" : "JSONL event with a result, message or text field"
            }` + skippedNote(ctx),
          );
        }
        return succeeded(messageOf(event) ?? JSON.stringify(event), costOf(event), null);
      },
    };
  };
}
