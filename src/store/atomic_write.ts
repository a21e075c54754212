/**
 * Every durable write of the orchestrator and the built-in host goes through here: crash-safe
 * file replacement (temp file in the same directory → write all → fsync → rename → fsync the
 * directory) and durable appends to a log ({@link appendDurable}).
 *
 * Readers see the old content or the new one, never a mix, and after a power loss the new
 * content is either fully there or not at all. A failed fsync is never retried: after a failed
 * fsync Linux may drop the dirty pages and report success the second time ("fsyncgate"), so
 * the write is reported as failed and the previous file stays in place.
 *
 * The filesystem sits behind {@link FsOps} so tests can inject ENOSPC/EIO at every step.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";
import { randomHex } from "../core/hex.ts";

/** The part of an open file the protocol uses. */
export interface WritableFile {
  write(data: Uint8Array): Promise<number>;
  sync(): Promise<void>;
  close(): void;
}

/** A file open for appending (see {@link appendDurable}). */
export interface AppendFile {
  write(data: Uint8Array): Promise<number>;
  /** fdatasync: the appended bytes and the new length are on disk. */
  syncData(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): void;
}

/** The filesystem operations the protocol uses; {@link realFs} is the real one. */
export interface FsOps {
  /** Creates `path` exclusively (fails when it exists) with `mode`, open for writing. */
  createNew(path: string, mode: number): Promise<WritableFile>;
  /** Opens `path` for appending, creating it with `mode` when missing. */
  openAppend(path: string, mode: number): Promise<AppendFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Names of the entries of `dir`. */
  readDirNames(dir: string): Promise<string[]>;
  /** fsyncs a directory so a rename inside it is durable. */
  syncDir(dir: string): Promise<void>;
}

/** The real filesystem. */
export const realFs: FsOps = {
  createNew: (path, mode) => Deno.open(path, { write: true, createNew: true, mode }),
  openAppend: (path, mode) => Deno.open(path, { append: true, create: true, mode }),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  async readDirNames(dir) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    return names;
  },
  async syncDir(dir) {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  },
};

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode of the new file. @default 0o600 */
  mode?: number;
  /** Filesystem to use. @default realFs */
  fs?: FsOps;
}

/** Error codes meaning "this platform/filesystem cannot fsync a directory": best effort only. */
const DIR_SYNC_UNSUPPORTED = new Set(["EINVAL", "EISDIR", "ENOTSUP", "EOPNOTSUPP", "EBADF", "EPERM", "EACCES"]);

const encoder = new TextEncoder();

/** The prefix of temp files for `target` (`.<name>.tmp-`), shared by writer and cleaner. */
export function tempPrefix(target: string): string {
  return `.${basename(target)}.tmp-`;
}

/** The OS error code (`ENOSPC`, `EIO`, ...) of a thrown value, when it has one. */
export function osErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * Replaces `path` with `data` atomically and durably.
 *
 * @throws {UserError} (exit 1) naming the path, the failed step and the OS error ("disk full at
 *   <path>" for ENOSPC). The temp file is removed and the previous content of `path` is intact,
 *   unless only the final directory fsync failed (then the new content is in place but its
 *   durability is not guaranteed, which is still reported as a failure).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const fs = opts.fs ?? realFs;
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  const dir = dirname(path);
  const tmp = join(dir, `${tempPrefix(path)}${Deno.pid}-${randomHex(12)}`);
  let step = "create the temp file";
  let created = false;
  try {
    const file = await fs.createNew(tmp, opts.mode ?? 0o600);
    created = true;
    try {
      step = "write the temp file";
      let offset = 0;
      while (offset < bytes.length) {
        const n = await file.write(bytes.subarray(offset));
        if (n <= 0) throw new Error(`short write (${n} bytes)`);
        offset += n;
      }
      step = "fsync the temp file";
      await file.sync();
    } finally {
      file.close();
    }
    step = "rename the temp file over the target";
    await fs.rename(tmp, path);
    created = false;
  } catch (error) {
    if (created) await fs.remove(tmp).catch(() => undefined);
    throw writeError(path, step, error);
  }
  await syncDirOf(path, fs);
}

/**
 * fsyncs the directory of `path`, so an entry created or renamed in it survives a power loss;
 * a platform or filesystem that cannot fsync a directory is tolerated (best effort there).
 *
 * @throws {UserError} (exit 1) naming `path` when the fsync itself fails (EIO...).
 */
export async function syncDirOf(path: string, fs: FsOps = realFs): Promise<void> {
  try {
    await fs.syncDir(dirname(path));
  } catch (error) {
    const code = osErrorCode(error);
    if (code !== undefined && DIR_SYNC_UNSUPPORTED.has(code)) return;
    throw writeError(path, "fsync the directory", error);
  }
}

/**
 * Appends `data` to an open append-only log and, with `sync`, fdatasyncs it, so the bytes are
 * durable when it resolves. On failure the file is cut back to `length` (its size before), so a
 * later append never follows half a record; when even that fails the caller must stop appending
 * (a reader then sees a torn last record, which append logs tolerate).
 *
 * @throws {UserError} (exit 1) naming the path and the OS error, as {@link writeFileAtomic}.
 */
export async function appendDurable(
  file: AppendFile,
  path: string,
  data: string | Uint8Array,
  opts: { length: number; sync: boolean },
): Promise<number> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  let step = "append to the file";
  try {
    let offset = 0;
    while (offset < bytes.length) {
      const n = await file.write(bytes.subarray(offset));
      if (n <= 0) throw new Error(`short write (${n} bytes)`);
      offset += n;
    }
    if (opts.sync) {
      step = "fsync the file";
      await file.syncData();
    }
    return bytes.length;
  } catch (error) {
    await file.truncate(opts.length).catch(() => undefined);
    throw writeError(path, step, error);
  }
}

/** One block of the usual filesystems (ext4, xfs, tmpfs pages). */
const BLOCK = new Uint8Array(4096);

/**
 * Proves that the filesystem of `target` can still allocate a block: writes one block to a temp
 * file beside it (no fsync: it never reaches the disk on a filesystem that allocates lazily)
 * and removes it. An append to a log can fit in the slack of the log's last block on a full
 * disk; this is how a writer of appends notices the full disk at the same point as a writer of
 * whole files would.
 *
 * @throws {UserError} (exit 1) "disk full at <target>" on ENOSPC, naming the path as every write does.
 */
export async function ensureRoom(target: string, fs: FsOps = realFs): Promise<void> {
  const probe = join(dirname(target), `${tempPrefix(target)}${Deno.pid}-room-${randomHex(8)}`);
  let created = false;
  try {
    const file = await fs.createNew(probe, 0o600);
    created = true;
    try {
      await file.write(BLOCK);
    } finally {
      file.close();
    }
  } catch (error) {
    throw writeError(target, "find room for the write", error);
  } finally {
    if (created) await fs.remove(probe).catch(() => undefined);
  }
}

/**
 * Removes temp files a crashed writer of `target` left behind (`.<name>.tmp-*` in its directory).
 * Call it only while no other writer of `target` can be active (under the run lock / save queue).
 * Returns the removed paths; failures are ignored (a leftover temp file is harmless).
 */
export async function cleanStrayTemps(target: string, fs: FsOps = realFs): Promise<string[]> {
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await fs.readDirNames(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const stray = join(dir, name);
    try {
      await fs.remove(stray);
      removed.push(stray);
    } catch {
      // Already gone or not ours to remove: harmless either way.
    }
  }
  return removed;
}

function writeError(path: string, step: string, error: unknown): UserError {
  const code = osErrorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "ENOSPC") {
    return new UserError(`Cannot save ${path} as the disk is full: disk full at ${path} (${detail})`, {
      exitCode: ExitCode.RunFailed,
      fix:
        "Free disk space on that filesystem, then run `spec-kitty-orchestrator resume`; the previous state is intact.",
      cause: error,
    });
  }
  return new UserError(
    `Cannot save ${path} as the step '${step}' must succeed for a durable write: ${code ?? "error"}: ${detail}`,
    {
      exitCode: ExitCode.RunFailed,
      fix: "Check the filesystem (permissions, disk health, dmesg), then run `spec-kitty-orchestrator resume`.",
      cause: error,
    },
  );
}
