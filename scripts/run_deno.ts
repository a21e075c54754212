/**
 * Runs one `deno <subcommand>` for our build scripts (bundle, compile) in its own process group,
 * killed with its children after a time limit, output passed through. (The product's own
 * processes go through src/proc/run.ts, whose pipes and env policy a build with inherited output
 * does not need; the group kill is proc's own.)
 *
 * @module
 */
import { killGroupNow } from "../src/proc/terminate.ts";

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
  // The product's own group kill (taskkill on Windows), synchronous so it holds before Deno.exit.
  const killGroup = () => void killGroupNow(child.pid);
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
