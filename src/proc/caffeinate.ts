/**
 * The macOS idle-sleep guard, as the reference orchestrator holds it: `/usr/bin/caffeinate -i -w <pid>`
 * keeps a laptop awake while the run loop works. `-w` makes caffeinate exit by itself when the
 * orchestrator dies, even on SIGKILL. Best effort: a spawn failure is a warning, never an error;
 * other platforms get a no-op.
 *
 * @module
 */
import { spawnOwned } from "./run.ts";
import { escalate } from "./terminate.ts";

/** A held guard. */
export interface IdleSleepGuard {
  /** Stops caffeinate (SIGTERM, 1 s, SIGKILL, 1 s); never throws; safe to call twice. */
  release(): Promise<void>;
}

/** The part of a child process the guard uses. */
export interface GuardProcess {
  kill(signal: Deno.Signal): void;
  readonly status: Promise<unknown>;
}

/** Options of {@link holdIdleSleepGuard}. */
export interface IdleSleepGuardOptions {
  /** @default Deno.build.os */
  os?: string;
  /** The process caffeinate watches. @default Deno.pid */
  pid?: number;
  /** Starts caffeinate. @default a `Deno.Command` with stdio to /dev/null */
  spawn?: (command: string, args: string[]) => GuardProcess;
  /** Receives the warning when caffeinate cannot be started. */
  warn?: (message: string) => void;
  /** Wait after each signal. @default 1000 */
  graceMs?: number;
}

const CAFFEINATE = "/usr/bin/caffeinate";
const NOOP: IdleSleepGuard = { release: () => Promise.resolve() };

function spawnReal(command: string, args: string[]): GuardProcess {
  const spawned = spawnOwned([command, ...args], { env: {}, envPolicy: "merge", stdout: "null", stderr: "null" });
  if (!spawned.ok) throw spawned.error;
  const { child } = spawned;
  return { kill: (signal) => child.kill(signal), status: child.status.finally(() => spawned.release()) };
}

/**
 * Holds the idle-sleep assertion while the run works, when `enabled` (`--no-caffeinate` turns it
 * off) and on macOS; a no-op guard otherwise.
 */
export function holdIdleSleepGuard(enabled: boolean, opts: IdleSleepGuardOptions = {}): Promise<IdleSleepGuard> {
  if (!enabled || (opts.os ?? Deno.build.os) !== "darwin") return Promise.resolve(NOOP);
  const args = ["-i", "-w", String(opts.pid ?? Deno.pid)];
  let child: GuardProcess;
  try {
    child = (opts.spawn ?? spawnReal)(CAFFEINATE, args);
  } catch (error) {
    opts.warn?.(
      `Could not hold the idle-sleep assertion (${CAFFEINATE}: ${error instanceof Error ? error.message : error}); ` +
        "the Mac may sleep during the run. Use --no-caffeinate to silence this.",
    );
    return Promise.resolve(NOOP);
  }
  const grace = opts.graceMs ?? 1000;
  let exited = false;
  void child.status.then(() => (exited = true), () => (exited = true));
  let releasing: Promise<void> | null = null;
  return Promise.resolve({
    release() {
      releasing ??= escalate({
        send(signal) {
          if (exited) return false;
          try {
            child.kill(signal);
            return true;
          } catch {
            return false; // Already gone.
          }
        },
        gone: () => exited,
      }, { graceMs: grace, killWaitMs: grace }).then(() => {});
      return releasing;
    },
  });
}
