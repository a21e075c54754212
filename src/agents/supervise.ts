/**
 * Runs one agent process under supervision (docs/reliability.md §3.2).
 *
 * - Spawned by the shared runner's `spawnOwned` (src/proc/run.ts: own process group, registered
 *   for a forced exit) with exactly the given environment (`clear`), cwd = workspace, stdin =
 *   the prefilled prompt file streamed into a pipe we close, or null.
 * - stdout/stderr stream into the attempt log as they arrive (capped) and into bounded tails;
 *   of stdout only what the parser declared it needs is kept (see `stdout_capture.ts`): lines
 *   for JSONL parsers, a tail of the size it reads. Memory stays flat whatever the agent prints.
 * - Wall-clock timeout, stall timeout (no output and no workspace change), abort signal and
 *   {@link Supervisor.terminateAll}: the shared escalation (src/proc/terminate.ts: SIGTERM to the
 *   group, grace, SIGKILL). Partial output is kept.
 * - When the agent exits but left processes in its group, they are terminated too.
 * - Descendants that left the group (`setsid`) but kept the agent's stdout/stderr are found by
 *   that pipe and terminated as well (see src/proc/pipe_holders.ts).
 *
 * The caller owns the log: it creates it and closes it with the outcome it decides.
 *
 * @module
 */
import { killPipeHolders, stdioPipes } from "../proc/pipe_holders.ts";
import { readPipe } from "../proc/read_pipe.ts";
import { spawnOwned } from "../proc/run.ts";
import { groupAlive, terminateGroup } from "../proc/terminate.ts";
import type { AttemptLog } from "./log_writer.ts";
import { ByteTail } from "./output_buffers.ts";
import type { SkippedLines, StdoutNeeds } from "./parse/types.ts";
import { StdoutCapture } from "./stdout_capture.ts";
import type { WorkspaceProbe } from "./workspace_probe.ts";

/** Bytes of stderr kept for the parser (allocated as stderr arrives). */
export const STDERR_TAIL_BYTES = 256 * 1024;
/** Read buffer size per stream. */
const READ_CHUNK_BYTES = 64 * 1024;
/** Bytes of interleaved output kept for messages. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/** Without a parser's declaration: a tail for messages, no lines. */
const DEFAULT_STDOUT: StdoutNeeds = { lines: false, tailBytes: OUTPUT_TAIL_BYTES };

/** Why we stopped a process ourselves. */
export type StopReason = "timeout" | "stall" | "aborted";

/** One supervised process. */
export interface SuperviseSpec {
  /** argv; `argv[0]` should be an absolute path (resolved by the caller). */
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** File streamed to stdin then closed; null gives an immediate EOF. */
  stdinPath: string | null;
  log: AttemptLog;
  timeoutMs: number;
  stallTimeoutMs: number;
  graceMs: number;
  /** How often the stall check runs while the agent is quiet. */
  pollMs: number;
  probe: WorkspaceProbe;
  /** What the parser needs of stdout. @default a 64 KiB tail, no lines */
  stdout?: StdoutNeeds;
  /** Complete stdout lines, for streaming parsers (only when `stdout.lines`). */
  onLine?: (line: string) => void;
  onSpawn?: (pgid: number, pid: number) => void | Promise<void>;
  signal?: AbortSignal;
}

/** What happened to the process. */
export interface SuperviseResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stopped: StopReason | null;
  /** Set when the process could not be spawned, or `onSpawn` failed. */
  error: string | null;
  /** The end of stdout, as much as `stdout` asked for. */
  stdoutTail: string;
  stderrTail: string;
  outputTail: string;
  /** Over-long stdout lines that were not passed to `onLine`. */
  skippedLines: SkippedLines;
  pid: number | null;
}

/** Runs processes and can stop them all. */
export interface Supervisor {
  run(spec: SuperviseSpec): Promise<SuperviseResult>;
  /** Stops every running process group (SIGTERM, grace, SIGKILL) and waits for them. */
  terminateAll(): Promise<void>;
}

interface Running {
  stop(reason: StopReason): void;
  done: Promise<unknown>;
}

/** Resolves true when `p` settles within `ms`, else false; leaves no timer behind. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates a supervisor; see the module doc. */
export function createSupervisor(): Supervisor {
  const running = new Set<Running>();

  async function run(spec: SuperviseSpec): Promise<SuperviseResult> {
    const started = performance.now();
    const stdout = new StdoutCapture(spec.stdout ?? DEFAULT_STDOUT, (line) => spec.onLine?.(line));
    const stderrTail = new ByteTail(STDERR_TAIL_BYTES);
    const outputTail = new ByteTail(OUTPUT_TAIL_BYTES);
    const base = () => ({
      durationMs: Math.round(performance.now() - started),
      stdoutTail: stdout.tail(),
      stderrTail: stderrTail.text(),
      outputTail: outputTail.text(),
      skippedLines: stdout.skipped,
    });
    if (spec.signal?.aborted) {
      return { ...base(), exitCode: null, signal: null, stopped: "aborted", error: null, pid: null };
    }

    const spawned = spawnOwned(spec.argv, {
      cwd: spec.cwd,
      env: spec.env,
      envPolicy: "clear",
      stdin: spec.stdinPath === null ? "null" : "piped",
    });
    if (!spawned.ok) {
      return { ...base(), exitCode: null, signal: null, stopped: null, error: spawned.message, pid: null };
    }
    const { child } = spawned;
    const pid = child.pid;
    // Read at once: a descendant that later leaves the group (setsid) is found by these pipes.
    const pipes = stdioPipes(pid);
    let stopped: StopReason | null = null;
    let exited = false;
    let killing: Promise<void> = Promise.resolve();
    let lastActivity = performance.now();
    let error: string | null = null;

    const stop = (reason: StopReason) => {
      if (stopped !== null || exited) return;
      stopped = reason;
      killing = terminateGroup(pid, spec.graceMs, () => exited && !groupAlive(pid));
    };

    // Cancels the reads when a process outside ours keeps the pipes open after the agent ended.
    const stopReading = new AbortController();
    const pump = async (stream: ReadableStream<Uint8Array>, tail: { push(chunk: Uint8Array): void }) => {
      // One buffer per stream, read into again: hundreds of MB of output allocate nothing per chunk.
      try {
        await readPipe(stream, READ_CHUNK_BYTES, async (chunk) => {
          lastActivity = performance.now();
          tail.push(chunk);
          outputTail.push(chunk);
          await spec.log.write(chunk);
        }, stopReading.signal);
      } catch {
        // Cancelled after exit (a process outside our group still holds the pipe).
      }
    };
    const pumps = Promise.all([pump(child.stdout, stdout), pump(child.stderr, stderrTail)]);
    const feeding = spec.stdinPath === null ? Promise.resolve() : feedStdin(spec.stdinPath, child.stdin);

    const entry: Running = { stop, done: Promise.resolve() };
    running.add(entry);
    const wall = setTimeout(() => stop("timeout"), spec.timeoutMs);
    let probing = false;
    let fingerprint: string | null = null;
    const stallTimer = setInterval(async () => {
      if (probing || stopped !== null || exited) return;
      const now = performance.now();
      if (now - lastActivity < spec.pollMs) return;
      probing = true;
      try {
        const fp = await spec.probe(spec.cwd);
        if (fingerprint !== null && fp !== fingerprint) lastActivity = performance.now();
        fingerprint = fp;
      } catch {
        // A failing probe must not kill the agent: treat it as "no change".
      } finally {
        probing = false;
      }
      if (performance.now() - lastActivity >= spec.stallTimeoutMs) stop("stall");
    }, Math.max(10, Math.min(spec.pollMs, spec.stallTimeoutMs)));
    const onAbort = () => stop("aborted");
    spec.signal?.addEventListener("abort", onAbort);

    const finish = (async () => {
      try {
        await spec.onSpawn?.(pid, pid);
      } catch (e) {
        error = `Cannot record the agent's process group ${pid}: ${e instanceof Error ? e.message : String(e)}`;
        stop("aborted");
      }
      const status = await child.status;
      exited = true;
      clearTimeout(wall);
      clearInterval(stallTimer);
      spec.signal?.removeEventListener("abort", onAbort);
      await killing;
      // The agent is gone but may have left children in its group (a dev server, a watcher).
      if (groupAlive(pid)) await terminateGroup(pid, spec.graceMs);
      // Processes that escaped the group (setsid) but kept the agent's stdout/stderr: stop them too.
      if (!(await settlesWithin(pumps, 100))) {
        const escaped = await killPipeHolders(pipes, spec.graceMs);
        if (escaped.length > 0) {
          const note = `\n[orchestrator] stopped ${escaped.length} process(es) that left the agent's process group ` +
            `but kept its output open: pid ${escaped.join(", ")}\n`;
          await spec.log.write(new TextEncoder().encode(note)).catch(() => {});
        }
      }
      // Anything left that still holds our pipes (e.g. another user's process): stop reading.
      const drained = await settlesWithin(pumps, Math.max(spec.graceMs, 1000));
      if (!drained) stopReading.abort();
      await pumps;
      stdout.end();
      await feeding;
      return status;
    })();
    entry.done = finish.catch(() => {});
    try {
      const status = await finish;
      const exitCode = status.signal ? null : status.code;
      return { ...base(), exitCode, signal: status.signal ?? null, stopped, error, pid };
    } finally {
      running.delete(entry);
      // Until now the group stayed registered, so a forced exit (second signal) could still SIGKILL it.
      spawned.release();
    }
  }

  async function terminateAll(): Promise<void> {
    const all = [...running];
    for (const r of all) r.stop("aborted");
    await Promise.all(all.map((r) => r.done));
  }

  return { run, terminateAll };
}

/** Streams the prompt file into the child's stdin and closes it (EOF), tolerating an early exit. */
async function feedStdin(path: string, stdin: WritableStream<Uint8Array>): Promise<void> {
  try {
    const file = await Deno.open(path, { read: true });
    await file.readable.pipeTo(stdin);
  } catch {
    // The agent exited (or closed stdin) before reading everything: nothing to do.
    await stdin.close().catch(() => {});
  }
}
