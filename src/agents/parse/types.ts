/**
 * The shape every agent output parser shares.
 *
 * A parser sees the attempt's stdout line by line while it runs (so JSONL CLIs can add up cost
 * over hundreds of MB without keeping them) and then gets the bounded tails of stdout/stderr
 * plus the exit code to decide the outcome. Each parser declares what it needs of stdout
 * ({@link StdoutNeeds}) and the supervisor keeps no more: four agents run at once, and fixed
 * per-attempt buffers, not the volume streamed, decided the orchestrator's peak memory.
 * Parsers are pure: no I/O, clock passed in.
 *
 * @module
 */
import type { AgentRole, AttemptFailure, FailureClass, TokenUsage } from "../../domain/agent.ts";

/** What a parser needs of stdout. */
export interface StdoutNeeds {
  /** Pass complete stdout lines to {@link StreamParser.line} as they arrive (JSONL parsers). */
  lines: boolean;
  /** Bytes at the end of stdout given to {@link StreamParser.finish} as `stdoutTail`. */
  tailBytes: number;
  /**
   * A larger tail, kept only once a line starting with `{` or `[` appeared (parsers of one JSON
   * value: output without such a line cannot hold it, so a text flood keeps only `tailBytes`).
   */
  jsonTailBytes?: number;
}

/** Tail that holds a CLI's final JSON value (the result object is far smaller; verbose arrays may not fit). */
export const JSON_TAIL_BYTES = 1024 * 1024;
/** Tail of plain text for failure messages (`lastLines`) and a text agent's final message. */
export const MESSAGE_TAIL_BYTES = 64 * 1024;

/** Parsers that read one JSON value (object, array or stream-json lines) from the end of stdout. */
export const JSON_VALUE_NEEDS: StdoutNeeds = { lines: false, tailBytes: 0, jsonTailBytes: JSON_TAIL_BYTES };
/** JSONL parsers that keep running totals from lines and never read stdout's tail. */
export const LINES_NEEDS: StdoutNeeds = { lines: true, tailBytes: 0 };

/** Over-long stdout lines dropped instead of being passed to {@link StreamParser.line}. */
export interface SkippedLines {
  count: number;
  /** Length of the longest dropped line, in bytes. */
  maxBytes: number;
}

/** What a parser gets once the process has ended. */
export interface ParseContext {
  /** The last bytes of stdout (bounded, decoded). */
  stdoutTail: string;
  /** The last bytes of stderr (bounded, decoded). */
  stderrTail: string;
  /** Exit code; null when the process was killed by a signal. */
  exitCode: number | null;
  role: AgentRole;
  /** Epoch ms, to turn reset times into `retryAfterMs`. */
  nowMs: number;
  /** Over-long stdout lines that were dropped (only for parsers that read lines). */
  skippedLines?: SkippedLines;
}

/** What a parser decided. */
export interface ParsedOutput {
  ok: boolean;
  finalMessage: string;
  costUsd: number | null;
  tokens: TokenUsage | null;
  failure: AttemptFailure | null;
}

/** A parser for one attempt: feed stdout lines, then call {@link StreamParser.finish}. */
export interface StreamParser {
  /** What this parser needs of stdout. */
  readonly stdout: StdoutNeeds;
  /** One complete stdout line (without the newline); overlong lines are never passed. */
  line(line: string): void;
  finish(ctx: ParseContext): ParsedOutput;
}

/** Creates a fresh parser per attempt. */
export type ParserFactory = () => StreamParser;

/** A clause for failure messages when over-long stdout lines were not parsed, else "". */
export function skippedNote(ctx: ParseContext): string {
  const s = ctx.skippedLines;
  if (s === undefined || s.count === 0) return "";
  return `; ${s.count} stdout line(s) longer than the 1 MiB line limit were not parsed (longest ${s.maxBytes} bytes)`;
}

/** A successful outcome. */
export function succeeded(finalMessage: string, costUsd: number | null, tokens: TokenUsage | null): ParsedOutput {
  return { ok: true, finalMessage, costUsd, tokens, failure: null };
}

/** A failed outcome; `message` is the agent's own words when it gave any. */
export function failed(
  cls: FailureClass,
  message: string,
  extra: { finalMessage?: string; costUsd?: number | null; tokens?: TokenUsage | null; retryAfterMs?: number } = {},
): ParsedOutput {
  const failure: AttemptFailure = { class: cls, message: message.trim() || `agent failed (${cls})` };
  if (extra.retryAfterMs !== undefined) failure.retryAfterMs = extra.retryAfterMs;
  return {
    ok: false,
    finalMessage: extra.finalMessage ?? "",
    costUsd: extra.costUsd ?? null,
    tokens: extra.tokens ?? null,
    failure,
  };
}
