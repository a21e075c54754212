/**
 * A small owned subprocess for short helper commands (`<agent> --version`, `git status`):
 * its own process group, a timeout that kills the group, bounded output, never a shell.
 *
 * @module
 */
import { terminateGroup } from "./process_group.ts";

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd?: string;
  /** Environment; when given the child gets exactly this (clearEnv). */
  env?: Record<string, string>;
  /** @default 10_000 */
  timeoutMs?: number;
  /** Output kept per stream, in bytes. @default 1 MiB */
  maxBytes?: number;
}

/** What {@link runCommand} produced; never throws for the command's own failures. */
export interface RunCommandResult {
  /** Exit code; null when it could not be spawned or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be spawned (e.g. not found). */
  spawnError: string | null;
}

async function drain(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    if (size < maxBytes) {
      const keep = chunk.subarray(0, maxBytes - size);
      chunks.push(keep);
      size += keep.length;
    }
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) (all.set(c, offset), offset += c.length);
  return new TextDecoder().decode(all);
}

/** Runs `cmd args` to completion or timeout; see the module doc. */
export async function runCommand(
  cmd: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args: [...args],
      cwd: options.cwd,
      ...(options.env ? { env: options.env, clearEnv: true } : {}),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: Deno.build.os !== "windows",
    }).spawn();
  } catch (error) {
    return { code: null, stdout: "", stderr: "", timedOut: false, spawnError: String(error) };
  }
  let timedOut = false;
  let exited = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void terminateGroup(child.pid, 1000, () => exited);
  }, options.timeoutMs ?? 10_000);
  const [status, stdout, stderr] = await Promise.all([
    child.status.finally(() => exited = true),
    drain(child.stdout, maxBytes),
    drain(child.stderr, maxBytes),
  ]);
  clearTimeout(timer);
  return { code: timedOut ? null : status.code, stdout, stderr, timedOut, spawnError: null };
}
