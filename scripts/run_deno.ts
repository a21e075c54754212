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

/**
 * Runs `deno <args>` and reports whether it exited 0. A SIGINT or SIGTERM to this script while
 * it runs kills the child's group (it has its own, so the terminal's Ctrl-C does not reach it)
 * and exits with 130 or 143: no build is left running behind an interrupted script.
 */
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
  const killGroup = () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Already exited.
    }
  };
  const timer = setTimeout(killGroup, opts.timeoutMs);
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const onSignal = (signal: Deno.Signal) => () => {
    killGroup();
    Deno.exit(signal === "SIGINT" ? 130 : 143);
  };
  const listeners = signals.map((signal) => [signal, onSignal(signal)] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  try {
    return (await child.status).success;
  } finally {
    clearTimeout(timer);
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}
