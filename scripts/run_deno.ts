/**
 * Runs one `deno <subcommand>` for our build scripts (bundle, compile) in its own process group,
 * killed with its children after a time limit, output passed through. (The product's own
 * processes go through src/proc/; these scripts run at build time and stay outside src/.)
 *
 * @module
 */

/** What one `deno …` run needs. */
export interface RunDenoOptions {
  cwd: string;
  timeoutMs: number;
  /** The whole environment (replaces ours); default: ours. */
  env?: Record<string, string>;
}

/** Runs `deno <args>` and reports whether it exited 0. */
export async function runDeno(args: readonly string[], opts: RunDenoOptions): Promise<boolean> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: opts.cwd,
    env: opts.env ?? Deno.env.toObject(),
    clearEnv: true,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
    detached: true,
  }).spawn();
  const timer = setTimeout(() => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Already exited.
    }
  }, opts.timeoutMs);
  try {
    return (await child.status).success;
  } finally {
    clearTimeout(timer);
  }
}
