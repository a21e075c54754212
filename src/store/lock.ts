/**
 * One run per repository and mission: a kernel `flock` on `<repo>/.kittify/locks/<mission>.lock`.
 *
 * The kernel releases the lock when the holder dies, even on SIGKILL, so there is no stale-lock
 * detection and no PID guessing: a lock left by a dead process is simply acquired. The lock file
 * is never deleted (deleting it would let two processes lock two different inodes). A sidecar
 * `<mission>.lock.json` says who holds it, for messages, `status` and `abort` only; ownership is
 * always decided by the flock. A busy lock is a normal outcome for overlapping cron runs: exit 75.
 *
 * @module
 */
import { join } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import { assertMissionSlug } from "../domain/ids.ts";
import { RUNS_DIR } from "./recorder.ts";
import { assertDirectoryOrMissing, ensureDirectory, fsUserError } from "../util/fs.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";
import { cleanStrayTemps, writeFileAtomic } from "./atomic_write.ts";
import { bootId, procStartTime } from "../proc/procfs.ts";

/** Who holds a lock (the sidecar content). */
export interface LockInfo {
  pid: number;
  hostname: string;
  boot_id: string | null;
  proc_start_time: string | null;
  run_id: string;
  mission: string;
  started_at: string;
  orchestrator_version: string;
}

/** A held lock. */
export interface LockHandle {
  /** The lock file. */
  readonly path: string;
  /** What was written to the sidecar. */
  readonly info: LockInfo;
  /** Removes the sidecar and releases the lock; safe to call twice. */
  release(): Promise<void>;
}

/** Paths of the lock file and its sidecar for `mission`. */
export function lockPaths(repoRoot: string, mission: string): { lockFile: string; infoFile: string } {
  assertMissionSlug(mission);
  const dir = join(repoRoot, ".kittify", "locks");
  return { lockFile: join(dir, `${mission}.lock`), infoFile: join(dir, `${mission}.lock.json`) };
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** @default new Date() */
  now?: Date;
}

/**
 * Takes the run lock for `mission` without waiting, then records who holds it.
 *
 * @throws {UserError} exit 75 (`ExitCode.Locked`) naming the holder when another process holds it;
 *   exit 1 naming the path when a file or directory of the wrong kind is in the way under
 *   `.kittify/` (locks, runs, logs).
 */
export async function acquireLock(
  repoRoot: string,
  mission: string,
  runId: string,
  opts: AcquireLockOptions = {},
): Promise<LockHandle> {
  const { lockFile, infoFile } = lockPaths(repoRoot, mission);
  // The run writes here next: a file in the way is refused now, while nothing has been changed.
  await assertDirectoryOrMissing(join(repoRoot, RUNS_DIR), "run records directory");
  await assertDirectoryOrMissing(join(repoRoot, ".kittify", "logs"), "agent logs directory");
  await ensureDirectory(join(repoRoot, ".kittify", "locks"), "lock directory");
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lockFile, { read: true, write: true, create: true });
  } catch (error) {
    throw await fsUserError(error, lockFile, "lock file") ?? error;
  }
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) throw lockedError(mission, runId, await readLockInfo(repoRoot, mission));
  const info: LockInfo = {
    pid: Deno.pid,
    hostname: hostname(),
    boot_id: await bootId(),
    proc_start_time: await procStartTime(Deno.pid),
    run_id: runId,
    mission,
    started_at: (opts.now ?? new Date()).toISOString(),
    orchestrator_version: VERSION,
  };
  try {
    // We hold the lock, so temp files of the sidecar can only be leftovers of a killed holder.
    await cleanStrayTemps(infoFile);
    await writeFileAtomic(infoFile, JSON.stringify(info, null, 2) + "\n", { mode: 0o644 });
  } catch (error) {
    await file.unlock().catch(() => undefined);
    file.close();
    throw error;
  }
  let released = false;
  return {
    path: lockFile,
    info,
    async release() {
      if (released) return;
      released = true;
      // Remove the sidecar while still holding the lock, so we never delete a successor's.
      await Deno.remove(infoFile).catch(() => undefined);
      await file.unlock().catch(() => undefined);
      file.close();
    },
  };
}

/** The sidecar of `mission`'s lock, or null when missing or unreadable. It may be stale: see {@link isLockHeld}. */
export async function readLockInfo(repoRoot: string, mission: string): Promise<LockInfo | null> {
  const { infoFile } = lockPaths(repoRoot, mission);
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(infoFile));
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  if (typeof r.pid !== "number" || !Number.isInteger(r.pid) || r.pid <= 0) return null;
  return {
    pid: r.pid,
    hostname: str(r.hostname) ?? "unknown",
    boot_id: str(r.boot_id),
    proc_start_time: str(r.proc_start_time),
    run_id: str(r.run_id) ?? "unknown",
    mission: str(r.mission) ?? mission,
    started_at: str(r.started_at) ?? "unknown",
    orchestrator_version: str(r.orchestrator_version) ?? "unknown",
  };
}

/**
 * True when a live process holds `mission`'s lock. Probes with a shared non-blocking lock, which
 * conflicts with the holder's exclusive one but not with other probes; never creates the file.
 */
export async function isLockHeld(repoRoot: string, mission: string): Promise<boolean> {
  const { lockFile } = lockPaths(repoRoot, mission);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lockFile, { read: true });
  } catch {
    return false;
  }
  try {
    const got = await file.tryLock(false);
    if (got) await file.unlock();
    return !got;
  } finally {
    file.close();
  }
}

/** "run <id> by pid N on host H since T", or a fallback when the sidecar is not written yet. */
export function describeHolder(info: LockInfo | null): string {
  if (info === null) return "a process that has not written its lock info yet";
  return `run ${info.run_id} by pid ${info.pid} on host ${info.hostname} since ${info.started_at}`;
}

function lockedError(mission: string, runId: string, holder: LockInfo | null): UserError {
  return new UserError(
    `Cannot start run ${runId} as mission '${mission}' must be orchestrated by one run at a time: ` +
      `the lock is held by ${describeHolder(holder)}`,
    {
      exitCode: ExitCode.Locked,
      fix: `Wait for it to finish, or stop it with '${PRODUCT} abort'. ` +
        "Overlapping cron runs exit 75 by design and can be ignored.",
    },
  );
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}
