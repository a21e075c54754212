/**
 * Small filesystem helpers shared by several modules.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { ExitCode, UserError } from "../domain/errors.ts";

/** True when something (file, directory, or a dangling link) exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a directory (or a link to one). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** What is at a path, for messages: `a file`, `a directory`, `a symbolic link`, or null when nothing is. */
async function kindAt(path: string): Promise<string | null> {
  try {
    const info = await Deno.lstat(path);
    if (info.isDirectory) return "a directory";
    if (info.isSymlink) return "a symbolic link";
    return "a file";
  } catch {
    return null;
  }
}

/** The first of `path` and its ancestors that exists but is not a directory (following links), if any. */
async function blockingPath(path: string): Promise<string | null> {
  const chain: string[] = [];
  for (let p = resolve(path);; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    try {
      if (!(await Deno.stat(p)).isDirectory) return p;
    } catch {
      return null; // missing from here down: mkdir can create it
    }
  }
  return null;
}

/**
 * The user error for a filesystem failure at `path` that the user can fix (something of the
 * wrong kind in the way, no permission), or null for anything else (a bug or the disk: rethrow).
 * `what` names the path's role, e.g. "lock directory"; `fixText` replaces the default fix.
 */
export async function fsUserError(
  error: unknown,
  path: string,
  what: string,
  fixText?: string,
): Promise<UserError | null> {
  const fix = (p: string) =>
    fixText ?? `Move ${p} out of the way (the orchestrator creates what it needs there), then run again.`;
  if (error instanceof Deno.errors.PermissionDenied) {
    return new UserError(`Cannot use the ${what} ${path} as it must be writable: permission denied`, {
      exitCode: ExitCode.RunFailed,
      fix: `Check the owner and mode of ${path} and its parent (\`ls -ld ${path}\`), then run again.`,
      cause: error,
    });
  }
  if (
    !(error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotADirectory ||
      error instanceof Deno.errors.IsADirectory)
  ) {
    return null;
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new UserError(`Cannot use the ${what} ${path} as it must be a regular file: it is a directory`, {
      exitCode: ExitCode.RunFailed,
      fix: fix(path),
      cause: error,
    });
  }
  const blocker = await blockingPath(path) ?? path;
  return new UserError(
    `Cannot use the ${what} ${path} as ${blocker === path ? "it" : blocker} must be a directory: it is ${
      await kindAt(blocker) ?? "not a directory"
    }`,
    { exitCode: ExitCode.RunFailed, fix: fix(blocker), cause: error },
  );
}

/**
 * Creates directory `path` with its parents.
 *
 * @throws {UserError} naming the path in the way and the fix, when a file sits where a directory
 *   must be or permission is denied.
 */
export async function ensureDirectory(path: string, what: string, fix?: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true });
  } catch (error) {
    throw await fsUserError(error, path, what, fix) ?? error;
  }
}

/**
 * Checks that `path`, when it exists, is a directory (or a link to one); creates nothing.
 *
 * @throws {UserError} like {@link ensureDirectory}.
 */
export async function assertDirectoryOrMissing(path: string, what: string): Promise<void> {
  const blocker = await blockingPath(path);
  if (blocker === null) return;
  throw await fsUserError(new Deno.errors.NotADirectory(`not a directory: ${blocker}`), path, what);
}
