/**
 * The one runner for short tool calls (git, `--version` probes...): argv in, decoded output out.
 *
 * Built on dax's `CommandBuilder`, with these guarantees:
 * - the argv never meets a shell: each argument is quoted by dax's own escaper and parsed back by
 *   its built-in parser (no `/bin/sh`, no globbing, no variable expansion), and dax's built-in
 *   commands (`echo`, `sleep`, `rm`...) are unregistered for the call so the real binary runs;
 * - a timeout (30 s by default) sends SIGTERM, which lets git remove its lock files on the way
 *   out (a SIGKILLed git can leave `index.lock` behind and break every later call);
 * - stdin is `/dev/null` unless text is given, so a tool can never wait on our terminal;
 * - each output stream is capped in memory (16 MiB by default) with a marker, while the rest is
 *   still drained so the child never blocks on a full pipe;
 * - a missing binary is exit code 127 with a clear message, not an exception.
 *
 * What it does not do: process-group kills or SIGKILL escalation. dax spawns through Deno's
 * `node:child_process`, which delivers only the first signal sent to a child, so a tool that
 * ignores SIGTERM, or leaves grandchildren holding its pipes, keeps the call open until it exits.
 * Agent CLIs and the host therefore use their own supervisors (src/agents/supervise.ts,
 * src/host/process.ts). Use this for well-behaved tools that exit on SIGTERM, such as git.
 *
 * @module
 */
import type { WriterSync } from "dax";
import { isAbsolute, resolve } from "node:path";

/**
 * dax is loaded on the first call, not at startup: it costs ~100 ms to import and most CLI
 * commands never run a tool. The literal specifier keeps it in `deno compile`'s module graph.
 */
let daxModule: Promise<typeof import("dax")> | undefined;
function loadDax(): Promise<typeof import("dax")> {
  daxModule ??= import("dax");
  return daxModule;
}

/** Options of {@link runTool}. */
export interface ToolCallOptions {
  /** Working directory; it must exist. */
  cwd: string;
  /** Wall-clock limit before the tool is killed. @default 30_000 */
  timeoutMs?: number;
  /** Variables added to (or overriding) the inherited environment. */
  env?: Record<string, string>;
  /** Text written to the tool's stdin; without it stdin is `/dev/null`. */
  stdin?: string;
  /** Bytes kept per output stream; the rest is dropped and a marker appended. @default 16 MiB */
  maxOutputBytes?: number;
}

/** The outcome of {@link runTool}; a failing tool is data, never an exception. */
export interface ToolCallResult {
  /** Exit code: {@link TIMEOUT_EXIT_CODE} after a timeout, {@link NOT_FOUND_EXIT_CODE} for a missing binary. */
  code: number;
  stdout: string;
  stderr: string;
  /** True when the timeout fired and the tool was killed. */
  timedOut: boolean;
}

/** Default {@link ToolCallOptions.timeoutMs}. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
/** Default {@link ToolCallOptions.maxOutputBytes}. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** Exit code reported when the timeout killed the tool (as coreutils `timeout` does). */
export const TIMEOUT_EXIT_CODE = 124;
/** Exit code reported when the binary cannot be found (as shells do). */
export const NOT_FOUND_EXIT_CODE = 127;

/** The tool could not be started for a reason other than a missing binary (e.g. the cwd is gone). */
export class ToolCallError extends Error {
  override get name(): string {
    return "ToolCallError";
  }
}

/**
 * Runs `argv` to completion or timeout; see the module doc.
 *
 * @throws {ToolCallError} when argv is empty or the process cannot be started (e.g. a missing
 * cwd) — the same cases in which `Deno.Command` throws. A missing binary is not thrown: it is
 * reported as code 127.
 */
export async function runTool(argv: readonly string[], opts: ToolCallOptions): Promise<ToolCallResult> {
  const name = argv[0];
  if (name === undefined || name === "") {
    throw new ToolCallError(`Cannot run a tool as argv must name a program: current value is ${JSON.stringify(argv)}`);
  }
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  // Capped sinks rather than "piped": dax's piped buffers grow without bound.
  const stdout = new CappedSink(maxBytes);
  const stderr = new CappedSink(maxBytes);
  const { CommandBuilder, KillController } = await loadDax();
  const kill = new KillController();
  let builder = new CommandBuilder()
    .command([...argv])
    .unregisterCommand(name)
    .cwd(opts.cwd)
    .env(opts.env ?? {})
    .signal(kill.signal)
    .stdout(stdout)
    .stderr(stderr)
    .noThrow();
  builder = opts.stdin === undefined ? builder.stdin("null") : builder.stdinText(opts.stdin);

  // Our own timer rather than `.timeout()`: dax reports a timeout only as exit code 124, which a
  // tool can also return by itself.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill.kill("SIGTERM");
  }, opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS);
  let code: number;
  try {
    code = (await builder).code;
  } catch (error) {
    throw new ToolCallError(
      `Cannot run '${name}' in ${opts.cwd}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    return { code: TIMEOUT_EXIT_CODE, stdout: stdout.text(), stderr: stderr.text(), timedOut };
  }
  if (code === NOT_FOUND_EXIT_CODE && !(await resolvable(name, opts.cwd))) {
    return {
      code,
      stdout: stdout.text(),
      stderr: `Cannot run '${name}' as it must be an executable on PATH or an existing path: it was not found\n`,
      timedOut,
    };
  }
  return { code, stdout: stdout.text(), stderr: stderr.text(), timedOut };
}

/** Whether dax can find `name` as a program, resolved the way it resolves commands. */
async function resolvable(name: string, cwd: string): Promise<boolean> {
  const path = name.includes("/") && !isAbsolute(name) ? resolve(cwd, name) : name;
  const { $ } = await loadDax();
  return (await $.which(path)) !== undefined;
}

/** Keeps the first `maxBytes` bytes written and counts the rest. */
class CappedSink implements WriterSync {
  #chunks: Uint8Array[] = [];
  #kept = 0;
  #total = 0;

  constructor(readonly maxBytes: number) {}

  writeSync(p: Uint8Array): number {
    this.#total += p.length;
    const room = this.maxBytes - this.#kept;
    if (room > 0) {
      const keep = p.slice(0, room);
      this.#chunks.push(keep);
      this.#kept += keep.length;
    }
    return p.length;
  }

  text(): string {
    const all = new Uint8Array(this.#kept);
    let offset = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    const text = new TextDecoder().decode(all);
    if (this.#total <= this.#kept) return text;
    return `${text}\n[output truncated at ${this.#kept} bytes of ${this.#total}]\n`;
  }
}
