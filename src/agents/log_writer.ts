/**
 * The per-attempt log: created fresh (never overwritten), a header, the agent's stdout and
 * stderr streamed as they arrive, a size cap with a truncation marker, and a footer.
 *
 * @module
 */
import { dirname } from "node:path";
import { shellJoin } from "../core/shell_quote.ts";

/** Longest argv element shown in a log header; prompts passed as arguments are cut. */
export const LOG_ARG_MAX_CHARS = 200;

/** What the header records. */
export interface LogHeader {
  agentId: string;
  role: string;
  cwd: string;
  argv: readonly string[];
  startedAt: Date;
  /** How the prompt was delivered, e.g. `stdin from /x/attempt.prompt.md`. */
  prompt: string;
}

/** Shows an argv with long elements (argv prompts) truncated. */
export function argvForLog(argv: readonly string[], maxChars = LOG_ARG_MAX_CHARS): string {
  return shellJoin(argv.map((a) => a.length > maxChars ? `${a.slice(0, maxChars)}…[${a.length} chars]` : a));
}

const encoder = new TextEncoder();

/** An open attempt log; see the module doc. */
export class AttemptLog {
  #file: Deno.FsFile;
  #written = 0;
  #truncated = false;
  #error: string | null = null;
  #chain: Promise<void> = Promise.resolve();

  private constructor(file: Deno.FsFile, readonly path: string, readonly maxBytes: number) {
    this.#file = file;
  }

  /**
   * Creates the log. Rejects with `Deno.errors.AlreadyExists` when `path` exists: logs are
   * never overwritten, so a reused path is a bug in the caller.
   */
  static async create(path: string, header: LogHeader, maxBytes: number): Promise<AttemptLog> {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { createNew: true, write: true, mode: 0o600 });
    const log = new AttemptLog(file, path, maxBytes);
    await log.#writeRaw(encoder.encode(
      `=== ${header.startedAt.toISOString()} agent=${header.agentId} role=${header.role}\n` +
        `=== cwd: ${header.cwd}\n` +
        `=== command: ${argvForLog(header.argv)}\n` +
        `=== prompt: ${header.prompt}\n` +
        `=== output (stdout and stderr as they arrived) ===\n`,
    ));
    return log;
  }

  /** Bytes of agent output written so far (excluding header and markers). */
  get bytesWritten(): number {
    return this.#written;
  }

  /** True once the cap was hit. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** The write error, when writing failed (disk full...); later output is then dropped. */
  get writeError(): string | null {
    return this.#error;
  }

  /**
   * Appends agent output, up to the cap; later output is dropped. Never rejects: a failing
   * disk must not stop us draining the agent's pipes (it would block on a full pipe).
   */
  write(chunk: Uint8Array): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      if (this.#truncated || this.#error !== null) return;
      try {
        const room = this.maxBytes - this.#written;
        const part = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(0, room));
        if (part.length > 0) {
          await this.#writeRaw(part);
          this.#written += part.length;
        }
        if (part.length < chunk.length) {
          this.#truncated = true;
          await this.#writeRaw(
            encoder.encode(`\n=== log truncated at ${this.maxBytes} bytes; further output was discarded ===\n`),
          );
        }
      } catch (error) {
        this.#error = error instanceof Error ? error.message : String(error);
      }
    });
    return this.#chain;
  }

  /** Writes the footer line and closes the file. */
  async close(footer: string): Promise<void> {
    await this.#chain.catch(() => {});
    try {
      await this.#writeRaw(encoder.encode(`\n=== ${footer} ===\n`));
    } finally {
      this.#file.close();
    }
  }

  async #writeRaw(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.#file.write(bytes.subarray(offset));
  }
}
