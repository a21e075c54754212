/**
 * The shape every agent output parser shares.
 *
 * A parser sees the attempt's stdout line by line while it runs (so JSONL CLIs can add up cost
 * over hundreds of MB without keeping them) and then gets the bounded tails of stdout/stderr
 * plus the exit code to decide the outcome. Parsers are pure: no I/O, clock passed in.
 *
 * @module
 */
import type { AgentRole, AttemptFailure, FailureClass, TokenUsage } from "../types.ts";

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
  /** One complete stdout line (without the newline); overlong lines are never passed. */
  line(line: string): void;
  finish(ctx: ParseContext): ParsedOutput;
}

/** Creates a fresh parser per attempt. */
export type ParserFactory = () => StreamParser;

/** Runs a parser over complete outputs (tests, replays). */
export function parseAll(
  factory: ParserFactory,
  input: { stdout: string; stderr: string; exitCode: number | null; role?: AgentRole; nowMs?: number },
): ParsedOutput {
  const parser = factory();
  for (const line of input.stdout.split("\n")) parser.line(line.endsWith("\r") ? line.slice(0, -1) : line);
  return parser.finish({
    stdoutTail: input.stdout,
    stderrTail: input.stderr,
    exitCode: input.exitCode,
    role: input.role ?? "implement",
    nowMs: input.nowMs ?? Date.now(),
  });
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
