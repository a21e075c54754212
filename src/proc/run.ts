/**
 * The one place that spawns a child process. Every subprocess of the orchestrator (host calls,
 * agents, git, `--version` probes) starts here, and is owned:
 *
 * - its own process group ({@link spawnOwned}: `detached: true` calls setsid, so pgid = pid), so
 *   a stop reaches every descendant that did not leave the group; registered in
 *   `live_groups.ts` until reaped, so a forced exit (second signal) can still SIGKILL it;
 * - never a shell: argv goes to the program as is;
 * - an explicit environment policy: `merge` (ours plus the given variables) or `clear` (exactly
 *   the given variables), never implied;
 * - spawn failures are data ({@link SpawnFailure}), not exceptions.
 *
 * {@link runToEnd} adds what a short call needs: stdin from `/dev/null` or a given text, a
 * wall-clock timeout and an abort signal that stop the group with the one escalation
 * (`terminate.ts`: SIGTERM, grace, SIGKILL; SIGTERM first lets git remove its lock files), a
 * SIGKILL to the group after a normal exit (a backgrounded straggler would hold our pipes and
 * outlive the call), and a cap on the output kept per stream (the rest is still drained, so the
 * child never blocks on a full pipe). Long-running supervised agents (`agents/supervise.ts`)
 * stream their output themselves but spawn and stop through the same functions.
 *
 * Why not dax: it spawns through `node:child_process` without `detached`, and its timeout and
 * abort signal reach the direct child only: a host that runs git, or a tool that ignores SIGTERM,
 * would outlive the call. It also costs ~10 MB of resident memory once loaded.
 *
 * Windows has no process groups: there the child is not detached and stops go through
 * `taskkill /T` (isolated in `terminate.ts`).
 *
 * @module
 */
import { trackGroup } from "./live_groups.ts";
import { signalGroup, terminateGroup } from "./terminate.ts";
import { readPipe, SHORT_READ_BYTES } from "./read_pipe.ts";

/** How the child's environment is built: ours plus `env`, or exactly `env`. */
export type EnvPolicy = "merge" | "clear";

/** Options of {@link spawnOwned}. */
export interface SpawnOptions {
  /** Working directory. @default ours */
  cwd?: string;
  env: Readonly<Record<string, string>>;
  envPolicy: EnvPolicy;
  /** `piped` gives the caller `child.stdin` to write and close. @default "null" */
  stdin?: "null" | "piped";
  /** @default "piped" */
  stdout?: "piped" | "null";
  /** @default "piped" */
  stderr?: "piped" | "null";
}

/** A spawned, owned child. */
export interface SpawnedChild {
  readonly ok: true;
  readonly child: Deno.ChildProcess;
  /** The child's pid, which is its process group id (except on Windows). */
  readonly pgid: number;
  /** Forgets the group in the live registry; call it once the child exited and its group was stopped. */
  release(): void;
}

/** The child could not be started. */
export interface SpawnFailure {
  readonly ok: false;
  readonly error: unknown;
  /** `not_found`: the program (or the cwd) does not exist or cannot be executed. */
  readonly kind: "not_found" | "other";
  readonly message: string;
}

/** Spawns `argv` in its own process group and registers the group; see the module doc. */
export function spawnOwned(argv: readonly string[], opts: SpawnOptions): SpawnedChild | SpawnFailure {
  const [command, ...args] = argv;
  if (command === undefined || command === "") {
    const error = new TypeError(
      `Cannot run a process as argv must name a program: current value is ${JSON.stringify(argv)}`,
    );
    return { ok: false, error, kind: "other", message: error.message };
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      env: { ...opts.env },
      clearEnv: opts.envPolicy === "clear",
      stdin: opts.stdin ?? "null",
      stdout: opts.stdout ?? "piped",
      stderr: opts.stderr ?? "piped",
      detached: Deno.build.os !== "windows",
    }).spawn();
  } catch (error) {
    const notFound = error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied;
    return { ok: false, error, kind: notFound ? "not_found" : "other", message: String(error) };
  }
  return { ok: true, child, pgid: child.pid, release: trackGroup(child.pid) };
}

/** Options of {@link runToEnd}. */
export interface RunOptions extends Omit<SpawnOptions, "stdin" | "stdout" | "stderr"> {
  /** Wall-clock limit; then the group is stopped (SIGTERM, grace, SIGKILL). */
  timeoutMs: number;
  /** SIGTERM → SIGKILL grace. @default 2000 */
  graceMs?: number;
  /** Aborting stops the group like a timeout does. */
  signal?: AbortSignal;
  /** Text written to stdin (then closed); without it stdin is `/dev/null`. */
  stdin?: string;
  /** Bytes kept per output stream; the rest is drained and counted. @default unlimited */
  maxOutputBytes?: number;
}

/** One output stream as kept. */
export interface CapturedOutput {
  /** The first `maxOutputBytes` bytes, decoded. */
  readonly text: string;
  /** Bytes kept (at most `maxOutputBytes`). */
  readonly keptBytes: number;
  /** Bytes the stream carried in all (more than kept when it was capped). */
  readonly totalBytes: number;
  readonly truncated: boolean;
}

/** What {@link runToEnd} produced; never thrown. */
export type RunResult =
  | SpawnFailure
  | {
    readonly ok: true;
    /** Exit code (128 + n when killed by signal n). */
    readonly code: number;
    readonly signal: Deno.Signal | null;
    readonly stdout: CapturedOutput;
    readonly stderr: CapturedOutput;
    /** Our timer fired and the group was stopped. */
    readonly timedOut: boolean;
    /** The caller's abort signal fired and the group was stopped. */
    readonly aborted: boolean;
    readonly pgid: number;
  };

/** Runs `argv` to completion, timeout or abort; see the module doc. */
export async function runToEnd(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const spawned = spawnOwned(argv, {
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    env: opts.env,
    envPolicy: opts.envPolicy,
    stdin: opts.stdin === undefined ? "null" : "piped",
  });
  if (!spawned.ok) return spawned;
  const { child, pgid } = spawned;
  const maxBytes = opts.maxOutputBytes ?? Infinity;
  const stdoutP = capture(child.stdout, maxBytes);
  const stderrP = capture(child.stderr, maxBytes);
  const feeding = opts.stdin === undefined ? Promise.resolve() : feed(child.stdin, opts.stdin);

  let timedOut = false;
  let aborted = false;
  let exited = false;
  let stopping: Promise<void> = Promise.resolve();
  const stop = (): void => {
    if (exited) return;
    stopping = terminateGroup(pgid, opts.graceMs ?? 2000, () => exited);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  let status: Deno.CommandStatus;
  try {
    status = await child.status;
  } finally {
    exited = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    await stopping;
    // Reap stragglers: anything still in the group would hold our pipes open and outlive us.
    // Not on Windows: there is no group, and taskkill by the pid of an exited child could hit a reuse.
    if (Deno.build.os !== "windows") signalGroup(pgid, "SIGKILL");
    spawned.release();
  }
  const [stdout, stderr] = await Promise.all([stdoutP, stderrP, feeding]);
  return { ok: true, code: status.code, signal: status.signal, stdout, stderr, timedOut, aborted, pgid };
}

/** Reads `stream` to its end, keeping the first `maxBytes` bytes (copies of what each read kept). */
async function capture(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<CapturedOutput> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  await readPipe(stream, SHORT_READ_BYTES, (chunk) => {
    total += chunk.length;
    if (kept < maxBytes) {
      const keep = chunk.slice(0, Math.min(chunk.length, maxBytes - kept));
      chunks.push(keep);
      kept += keep.length;
    }
  });
  const all = new Uint8Array(kept);
  let offset = 0;
  for (const c of chunks) (all.set(c, offset), offset += c.length);
  return { text: new TextDecoder().decode(all), keptBytes: kept, totalBytes: total, truncated: total > kept };
}

/** Writes `text` to the child's stdin and closes it, tolerating a child that exits first. */
async function feed(stdin: WritableStream<Uint8Array>, text: string): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
  } catch {
    // The child exited (or closed stdin) before reading everything.
    await writer.abort().catch(() => {});
  }
}
