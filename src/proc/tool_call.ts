/**
 * Short tool calls (git, `--version` probes...): argv in, decoded output out. The shared runner
 * (`run.ts`) with this policy:
 * - the argv never meets a shell (no `/bin/sh`, no globbing, no variable expansion): the real
 *   binary runs with the arguments as given;
 * - a timeout (30 s by default) sends SIGTERM to the tool's process group, which lets git remove
 *   its lock files on the way out (a SIGKILLed git can leave `index.lock` behind and break every
 *   later call); SIGKILL follows after a grace period for a tool that ignores it;
 * - stdin is `/dev/null` unless text is given, so a tool can never wait on our terminal;
 * - the environment is ours plus the given variables;
 * - each output stream is capped in memory (16 MiB by default) with a marker, while the rest is
 *   still drained so the child never blocks on a full pipe;
 * - a missing binary is exit code 127 with a clear message, not an exception.
 *
 * @module
 */
import { isDirectory } from "../util/fs.ts";
import { type CapturedOutput, runToEnd } from "./run.ts";

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
  const r = await runToEnd(argv, {
    cwd: opts.cwd,
    env: opts.env ?? {},
    envPolicy: "merge",
    timeoutMs: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    graceMs: TOOL_KILL_GRACE_MS,
    maxOutputBytes: opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
  });
  if (!r.ok) {
    // Deno reports a missing cwd as NotFound too: only a cwd that exists makes it the binary's.
    if (r.kind === "not_found" && await isDirectory(opts.cwd)) {
      return {
        code: NOT_FOUND_EXIT_CODE,
        stdout: "",
        stderr: `Cannot run '${name}' as it must be an executable on PATH or an existing path: it was not found\n`,
        timedOut: false,
      };
    }
    throw new ToolCallError(`Cannot run '${name}' in ${opts.cwd}: ${r.message}`, { cause: r.error });
  }
  const stdout = withMarker(r.stdout);
  const stderr = withMarker(r.stderr);
  if (r.timedOut) return { code: TIMEOUT_EXIT_CODE, stdout, stderr, timedOut: true };
  return { code: r.code, stdout, stderr, timedOut: false };
}

/** SIGTERM → SIGKILL grace after a timeout: time for git to remove its lock files. */
const TOOL_KILL_GRACE_MS = 5_000;

/** The kept text, with a marker naming the cut when the stream was capped. */
function withMarker(out: CapturedOutput): string {
  if (!out.truncated) return out.text;
  return `${out.text}\n[output truncated at ${out.keptBytes} bytes of ${out.totalBytes}]\n`;
}
