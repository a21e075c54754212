/**
 * Running one host process as an owned process group.
 *
 * Why not dax: dax 0.49 spawns through `node:child_process` without `detached` and its
 * timeout/abort sends the signal to the direct child only. The real host is a Python process
 * that itself spawns git; killing only Python would orphan git (and keep our stdout pipe open).
 * So we spawn with `Deno.Command({ detached: true })`, which calls `setsid()`: the child leads
 * a new process group, and `Deno.kill(-pid, …)` reaches every descendant that did not leave it.
 * On timeout: SIGTERM to the group, then SIGKILL after a grace period. After a normal exit the
 * group is SIGKILLed too, so stragglers (a backgrounded git) never outlive the call.
 *
 * @module
 */
import { trackGroup } from "../proc/live_groups.ts";

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

/** Signals a whole process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // ESRCH: every member already exited. EPERM cannot happen for our own session.
  }
}

/**
 * Runs `argv` (no shell) in its own process group with a wall-clock timeout.
 * Spawn errors (e.g. `Deno.errors.NotFound`) are thrown as is for the caller to classify.
 */
export async function runProcessGroup(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new TypeError("Cannot run a process as argv is empty");
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { ...options.env },
    clearEnv: options.clearEnv ?? false,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const pid = child.pid;
  // Until the group is reaped, a forced exit (second signal) can still SIGKILL it.
  const untrack = trackGroup(pid);
  const stdoutP = new Response(child.stdout).arrayBuffer();
  const stderrP = new Response(child.stderr).arrayBuffer();

  let timedOut = false;
  let aborted = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    killGroup(pid, "SIGTERM");
    graceTimer = setTimeout(() => killGroup(pid, "SIGKILL"), options.killGraceMs ?? 2000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  let status: Deno.CommandStatus;
  try {
    status = await child.status;
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener("abort", onAbort);
    // Reap stragglers: anything still in the group would hold our pipes open and outlive us.
    killGroup(pid, "SIGKILL");
    untrack();
  }
  const decoder = new TextDecoder();
  const [out, err] = await Promise.all([stdoutP, stderrP]);
  return {
    stdout: decoder.decode(out),
    stderr: decoder.decode(err),
    code: status.code,
    signal: status.signal,
    timedOut,
    aborted,
  };
}
