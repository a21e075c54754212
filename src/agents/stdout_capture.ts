/**
 * What is kept of an attempt's stdout, sized by what its parser declared
 * ({@link StdoutNeeds}): lines only for parsers that read lines, a plain tail of the size the
 * parser uses, and a larger tail for JSON parsers only once a line that can start JSON appeared.
 * The supervisor and the replay helper (`parseAll`) share it, so replays see what a run sees.
 *
 * @module
 */
import type { AgentRole } from "../domain/agent.ts";
import type { ParsedOutput, ParserFactory, SkippedLines, StdoutNeeds } from "./parse/types.ts";
import { ByteTail, JsonLineWatch, LineSplitter, MAX_LINE_BYTES } from "./output_buffers.ts";

/** Keeps what a parser needs of stdout; see the module doc. */
export class StdoutCapture {
  readonly #tail: ByteTail;
  readonly #watch: JsonLineWatch | null;
  readonly #jsonTail: number;
  readonly #splitter: LineSplitter | null;
  readonly #skipped: SkippedLines = { count: 0, maxBytes: 0 };

  constructor(needs: StdoutNeeds, onLine: (line: string) => void, maxLine: number = MAX_LINE_BYTES) {
    this.#jsonTail = Math.max(needs.tailBytes, needs.jsonTailBytes ?? 0);
    this.#tail = new ByteTail(this.#jsonTail, needs.tailBytes);
    this.#watch = this.#jsonTail > needs.tailBytes ? new JsonLineWatch() : null;
    this.#splitter = needs.lines
      ? new LineSplitter(onLine, maxLine, (bytes) => {
        this.#skipped.count++;
        this.#skipped.maxBytes = Math.max(this.#skipped.maxBytes, bytes);
      })
      : null;
  }

  /** Feeds a chunk of stdout. */
  push(chunk: Uint8Array): void {
    // Raise the limit before pushing: the chunk holding the JSON's first line must be kept whole.
    if (this.#watch !== null && !this.#watch.seen && this.#watch.scan(chunk)) this.#tail.raiseLimit(this.#jsonTail);
    this.#tail.push(chunk);
    this.#splitter?.push(chunk);
  }

  /** Ends the stream: the last line without a newline is emitted. */
  end(): void {
    this.#splitter?.end();
  }

  /** The kept tail, decoded. */
  tail(): string {
    return this.#tail.text();
  }

  /** Bytes allocated for the tail (for tests). */
  get tailAllocatedBytes(): number {
    return this.#tail.allocatedBytes;
  }

  /** Over-long lines that were dropped instead of being passed to the parser. */
  get skipped(): SkippedLines {
    return { ...this.#skipped };
  }
}

/**
 * Runs a parser over complete outputs (tests, replays), keeping of stdout exactly what a
 * supervised run keeps for it (its {@link StdoutNeeds}).
 */
export function parseAll(
  factory: ParserFactory,
  input: { stdout: string; stderr: string; exitCode: number | null; role?: AgentRole; nowMs?: number },
): ParsedOutput {
  const parser = factory();
  const capture = new StdoutCapture(parser.stdout, (line) => parser.line(line));
  capture.push(new TextEncoder().encode(input.stdout));
  capture.end();
  return parser.finish({
    stdoutTail: capture.tail(),
    stderrTail: input.stderr,
    exitCode: input.exitCode,
    role: input.role ?? "implement",
    nowMs: input.nowMs ?? Date.now(),
    skippedLines: capture.skipped,
  });
}
