/**
 * The one way we stop processes: SIGTERM, a grace period for them to exit, SIGKILL for what is
 * left ({@link escalate}). Process groups (every child we spawn leads its own: `detached: true`
 * calls setsid, so pgid = pid) and loose pids (setsid escapees, tagged leftovers of a dead run)
 * are both stopped through it.
 *
 * Windows has no process groups: there signals become `taskkill /T /F /PID <pid>`, which kills
 * the process tree at once (no grace). That path is isolated here and not exercised by tests.
 *
 * @module
 */
import { groupHasLiveMember, isPidAlive } from "./procfs.ts";

const isWindows = Deno.build.os === "windows";

/** The two signals of the escalation. */
export type StopSignal = "SIGTERM" | "SIGKILL";

/** How a termination ended. */
export type TerminateOutcome =
  /** Nothing was there to signal. */
  | "gone"
  /** Exited within the grace period after SIGTERM. */
  | "terminated"
  /** Needed SIGKILL, and is gone now (or was not waited for). */
  | "killed"
  /** Still there after SIGKILL and the wait for it. */
  | "survived";

/** What {@link escalate} stops. */
export interface TerminateTarget {
  /** Sends `signal`; false when nothing was left to receive it. */
  send(signal: StopSignal): boolean;
  /** True once everything the target covers has exited. */
  gone(): boolean | Promise<boolean>;
}

/** Timing of {@link escalate}. */
export interface EscalationOptions {
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** How long to wait for SIGKILL to land (it is delivered asynchronously). @default 0 */
  killWaitMs?: number;
  /**
   * `always`: SIGKILL even when the target looks gone after SIGTERM (a process group that only
   * looks empty, members that ignored SIGTERM while the leader exited); `if-alive`: only when it
   * is not gone (loose pids: a pid that exited may be reused, and must not be signalled).
   * @default "if-alive"
   */
  kill?: "always" | "if-alive";
  /** How often `gone()` is asked while waiting. @default 50 */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `gone()` or `ms` have passed; true when gone. Asks at least once. */
async function waitGone(target: TerminateTarget, ms: number, pollMs: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (true) {
    if (await target.gone()) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(pollMs, Math.max(1, left)));
  }
}

/** SIGTERM, up to `graceMs` for `target` to go, then SIGKILL; see {@link EscalationOptions}. */
export async function escalate(target: TerminateTarget, opts: EscalationOptions): Promise<TerminateOutcome> {
  const pollMs = opts.pollMs ?? 50;
  if (!target.send("SIGTERM")) return "gone";
  const terminated = await waitGone(target, opts.graceMs, pollMs);
  if (terminated && opts.kill !== "always") return "terminated";
  target.send("SIGKILL");
  if (terminated) return "terminated";
  const killWaitMs = opts.killWaitMs ?? 0;
  if (killWaitMs <= 0) return "killed";
  return await waitGone(target, killWaitMs, Math.min(pollMs, 10)) ? "killed" : "survived";
}

/** Sends `signal` to every process in group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: Deno.Signal): boolean {
  if (isWindows) {
    if (signal === "SIGTERM" || signal === "SIGKILL") taskkillTree(pgid, false);
    return true;
  }
  try {
    Deno.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: the group is gone. EPERM cannot happen for our own children.
    return false;
  }
}

/**
 * SIGKILLs group `pgid` synchronously (safe right before `Deno.exit`: on Windows it waits for
 * taskkill); false when the group was already gone.
 */
export function killGroupNow(pgid: number): boolean {
  if (isWindows) return taskkillTree(pgid, true);
  return signalGroup(pgid, "SIGKILL");
}

/**
 * True while at least one live (non-zombie) process of group `pgid` exists. Zombies do not
 * count: an orphan's zombie waits for init to reap it, and some container inits never do.
 */
export function groupAlive(pgid: number): boolean {
  if (isWindows) return isPidAlive(pgid);
  try {
    Deno.kill(-pgid, 0 as unknown as Deno.Signal);
  } catch {
    return false;
  }
  return groupHasLiveMember(pgid) ?? true;
}

/**
 * Stops process group `pgid`: SIGTERM, up to `graceMs` for it to disappear (or for `done()`),
 * then SIGKILL, always (members that ignored SIGTERM, or a group that only looks done, go now).
 * Resolves once the signals are sent; the caller awaits the child's status.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number,
  done: () => boolean = () => !groupAlive(pgid),
): Promise<void> {
  await escalate({ send: (sig) => signalGroup(pgid, sig), gone: done }, { graceMs, kill: "always" });
}

/**
 * Stops loose pids (not a group): SIGTERM to each, up to `graceMs` for them to exit, SIGKILL to
 * those still alive, then up to `killWaitMs` for it to land. `alive` decides which pids are still
 * there (default: {@link isPidAlive}). Returns the pids that needed SIGKILL.
 */
export async function terminatePids(
  pids: readonly number[],
  opts: {
    graceMs: number;
    killWaitMs?: number;
    alive?: (pids: readonly number[]) => Promise<number[]> | number[];
    send?: (pid: number, signal: Deno.Signal) => void;
  },
): Promise<number[]> {
  const alive = opts.alive ?? ((ps: readonly number[]) => ps.filter(isPidAlive));
  const send = (pid: number, sig: Deno.Signal) => {
    try {
      (opts.send ?? Deno.kill)(pid, sig);
    } catch {
      // ESRCH: already gone.
    }
  };
  let left: readonly number[] = pids;
  let killed: number[] = [];
  await escalate({
    send(sig) {
      if (sig === "SIGKILL") killed = [...left];
      for (const pid of sig === "SIGKILL" ? left : pids) send(pid, sig);
      return left.length > 0;
    },
    async gone() {
      left = await alive(left);
      return left.length === 0;
    },
  }, { graceMs: opts.graceMs, killWaitMs: opts.killWaitMs ?? 0 });
  return killed;
}

/** `taskkill /T /F`: the whole tree at once. `wait` blocks until it ran (for the forced exit). */
function taskkillTree(pid: number, wait: boolean): boolean {
  try {
    const command = new Deno.Command("taskkill", {
      args: ["/T", "/F", "/PID", String(pid)],
      stdout: "null",
      stderr: "null",
    });
    if (wait) return command.outputSync().success;
    command.spawn();
    return true;
  } catch {
    // Nothing else we can do on Windows.
    return false;
  }
}
