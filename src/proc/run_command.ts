/**
 * A small owned subprocess for short helper commands (`<agent> --version`, `git status`): the
 * shared runner (`src/proc/run.ts`) with this policy: the given environment replaces ours,
 * 1 MiB kept per stream, a 1 s grace after the timeout, a spawn failure reported as text.
 *
 * @module
 */
import { runToEnd } from "./run.ts";

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

/** Runs `cmd args` to completion or timeout; see the module doc. */
export async function runCommand(
  cmd: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunCommandResult> {
  const r = await runToEnd([cmd, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: options.env ?? {},
    envPolicy: options.env ? "clear" : "merge",
    timeoutMs: options.timeoutMs ?? 10_000,
    graceMs: 1000,
    maxOutputBytes: options.maxBytes ?? 1024 * 1024,
  });
  if (!r.ok) return { code: null, stdout: "", stderr: "", timedOut: false, spawnError: r.message };
  return {
    code: r.timedOut ? null : r.code,
    stdout: r.stdout.text,
    stderr: r.stderr.text,
    timedOut: r.timedOut,
    spawnError: null,
  };
}
