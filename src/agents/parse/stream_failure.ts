/**
 * The shared end of a streaming (JSONL) CLI run that did not report success: the agent's own
 * error decides first, then the documented stderr patterns, then the exit code — `crash` when the
 * CLI failed or said it errored, `bad_output` when it exited 0 without its terminal event.
 *
 * @module
 */
import type { FailureClass } from "../../domain/agent.ts";
import { classifyText, explainingLine, lastLines } from "./classify.ts";
import { failed, type ParseContext, type ParsedOutput, skippedNote } from "./types.ts";

/** What the parser knows when the stream ended without success. */
export interface StreamFailureInput {
  /** The CLI name for messages, e.g. `opencode`. */
  cli: string;
  /** The agent's own error text ("" when none). */
  message: string;
  /** A class decided from structured fields, if any; text patterns on `message` are tried next. */
  structured: FailureClass | null;
  /** True when the stream itself reported an error (so exit 0 is still a crash). */
  errored: boolean;
  /** The terminal event that was missing, for the message (e.g. "agent_end"). */
  missing: string;
  /** The class for exit 0 without the terminal event. @default "bad_output" */
  exitZeroClass?: FailureClass;
  extra: Parameters<typeof failed>[2];
}

/** Classifies a stream that ended without success; see the module doc for the order. */
export function streamFailure(ctx: ParseContext, input: StreamFailureInput): ParsedOutput {
  const { cli, message, extra } = input;
  const fromMessage = input.structured ?? classifyText(message);
  if (fromMessage) return failed(fromMessage, message, extra);
  const fromStderr = classifyText(ctx.stderrTail);
  if (fromStderr) return failed(fromStderr, explainingLine(ctx.stderrTail), extra);
  const stderr = lastLines(ctx.stderrTail);
  if (input.errored || ctx.exitCode !== 0) {
    return failed("crash", message || stderr || `${cli} exited with code ${ctx.exitCode}`, extra);
  }
  return failed(
    input.exitZeroClass ?? "bad_output",
    `${cli} exited 0 without ${input.missing}` + skippedNote(ctx) + (stderr ? `; stderr: ${stderr}` : ""),
    extra,
  );
}
