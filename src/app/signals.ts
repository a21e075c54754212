/**
 * Orderly shutdown on SIGINT / SIGTERM / SIGHUP (docs/reliability.md §3.2 step 6).
 *
 * The first signal asks the run to stop (stop scheduling, terminate agents, save state, release
 * the lock); a second signal while that is under way exits at once, for the person who really
 * means it. SIGHUP (terminal closed, ssh dropped) is treated like SIGTERM.
 *
 * @module
 */
import { ExitCode } from "../domain/errors.ts";

/** The signals the orchestrator reacts to, as the handler sees them. */
export type ShutdownSignal = "SIGINT" | "SIGTERM";

/** Exit code for a run stopped by `sig`: 130 for SIGINT, 143 for SIGTERM (128 + signal number). */
export function exitCodeForSignal(sig: ShutdownSignal): 130 | 143 {
  return sig === "SIGINT" ? ExitCode.Interrupted : ExitCode.Terminated;
}

/** The signal API used (tests inject a fake). */
export interface SignalApi {
  add(signal: Deno.Signal, handler: () => void): void;
  remove(signal: Deno.Signal, handler: () => void): void;
  /** Immediate exit on a second signal. */
  exit(code: number): void;
}

const realApi: SignalApi = {
  add: (signal, handler) => Deno.addSignalListener(signal, handler),
  remove: (signal, handler) => Deno.removeSignalListener(signal, handler),
  exit: (code) => Deno.exit(code),
};

/** Options of {@link installSignalHandlers}. */
export interface SignalOptions {
  /** @default Deno's signal listeners and Deno.exit */
  api?: SignalApi;
  /** Called when a second signal forces the exit, before exiting (e.g. to print a line). */
  onForce?: (sig: ShutdownSignal) => void;
}

/**
 * Calls `onSignal` once on the first SIGINT/SIGTERM/SIGHUP; forces an exit (130/143) on the
 * next one. Returns the uninstaller. Signals the platform does not support (SIGTERM/SIGHUP on
 * Windows) are skipped.
 */
export function installSignalHandlers(
  onSignal: (sig: ShutdownSignal) => void | Promise<void>,
  opts: SignalOptions = {},
): () => void {
  const api = opts.api ?? realApi;
  let shuttingDown = false;
  const handle = (sig: ShutdownSignal) => {
    if (shuttingDown) {
      opts.onForce?.(sig);
      api.exit(exitCodeForSignal(sig));
      return;
    }
    shuttingDown = true;
    try {
      // A rejected shutdown must not become an unhandled rejection that kills the process mid-save.
      Promise.resolve(onSignal(sig)).catch(() => undefined);
    } catch {
      // Same for a synchronous throw.
    }
  };
  const installed: [Deno.Signal, () => void][] = [];
  const pairs: [Deno.Signal, ShutdownSignal][] = [["SIGINT", "SIGINT"], ["SIGTERM", "SIGTERM"], ["SIGHUP", "SIGTERM"]];
  for (const [signal, as] of pairs) {
    const listener = () => handle(as);
    try {
      api.add(signal, listener);
      installed.push([signal, listener]);
    } catch {
      // Not supported on this platform.
    }
  }
  return () => {
    for (const [signal, listener] of installed.splice(0)) {
      try {
        api.remove(signal, listener);
      } catch {
        // Already removed.
      }
    }
  };
}
