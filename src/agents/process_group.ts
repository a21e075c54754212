/**
 * Process-group signalling: every agent runs in its own session (`detached: true` → setsid,
 * so pgid = pid) and is stopped as a group: SIGTERM, a grace period, SIGKILL.
 *
 * Windows has no process groups: there we fall back to `taskkill /T /F /PID <pid>`, which kills
 * the process tree at once (no grace). That path is isolated here and not exercised by tests.
 *
 * @module
 */

const isWindows = Deno.build.os === "windows";

/** Sends `signal` to every process in group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: Deno.Signal): boolean {
  if (isWindows) {
    if (signal === "SIGTERM" || signal === "SIGKILL") taskkillTree(pgid);
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
  return liveMembersOnLinux(pgid) ?? true;
}

/** Whether group `pgid` has a non-zombie member, from /proc; null where /proc is unavailable. */
function liveMembersOnLinux(pgid: number): boolean | null {
  if (Deno.build.os !== "linux") return null;
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      let stat: string;
      try {
        stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      } catch {
        continue;
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
    }
    return false;
  } catch {
    return null;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isPidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
  } catch {
    return false;
  }
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM to the group, wait up to `graceMs` for it to disappear (or for `done()`), then
 * SIGKILL. Resolves once the signals are sent; the caller awaits the child's status.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number,
  done: () => boolean = () => !groupAlive(pgid),
): Promise<void> {
  if (!signalGroup(pgid, "SIGTERM")) return;
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (done()) break;
    await sleep(Math.min(50, Math.max(1, deadline - performance.now())));
  }
  // Always send SIGKILL: members that ignored SIGTERM (or a group that only looks done) go now.
  signalGroup(pgid, "SIGKILL");
}

function taskkillTree(pid: number): void {
  try {
    new Deno.Command("taskkill", { args: ["/T", "/F", "/PID", String(pid)], stdout: "null", stderr: "null" })
      .spawn();
  } catch {
    // Nothing else we can do on Windows.
  }
}
