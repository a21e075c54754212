/**
 * Running one host process: the shared runner (`src/proc/run.ts`) with the host's policy.
 *
 * The real host is a Python process that itself spawns git; the runner's process group makes a
 * timeout or abort reach git too (SIGTERM, grace, SIGKILL), and stragglers (a backgrounded git)
 * are killed after a normal exit. The host's answer is one JSON envelope, so output is not capped.
 *
 * @module
 */
import { runToEnd } from "../proc/run.ts";

/** What one run produced. */
export interface ProcessResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code (128 + n when killed by signal n). */
  readonly code: number;
  readonly signal: Deno.Signal | null;
  /** Our timer fired and the group was killed. */
  readonly timedOut: boolean;
  /** The caller's abort signal fired and the group was killed. */
  readonly aborted: boolean;
}

/** How to run it. */
export interface ProcessOptions {
  readonly cwd: string;
  /** Added to our environment, or the whole environment when `clearEnv` is set. */
  readonly env: Readonly<Record<string, string>>;
  /** Start from an empty environment instead of ours. @default false */
  readonly clearEnv?: boolean;
  readonly timeoutMs: number;
  /** SIGTERM → SIGKILL grace. @default 2000 */
  readonly killGraceMs?: number;
  /** Aborting kills the group like a timeout does. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `argv` (no shell) in its own process group with a wall-clock timeout.
 * Spawn errors (e.g. `Deno.errors.NotFound`) are thrown as is for the caller to classify.
 */
export async function runProcessGroup(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  if (argv[0] === undefined) throw new TypeError("Cannot run a process as argv is empty");
  const result = await runToEnd(argv, {
    cwd: options.cwd,
    env: options.env,
    envPolicy: options.clearEnv ? "clear" : "merge",
    timeoutMs: options.timeoutMs,
    ...(options.killGraceMs === undefined ? {} : { graceMs: options.killGraceMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!result.ok) throw result.error;
  return {
    stdout: result.stdout.text,
    stderr: result.stderr.text,
    code: result.code,
    signal: result.signal,
    timedOut: result.timedOut,
    aborted: result.aborted,
  };
}
