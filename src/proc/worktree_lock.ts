/**
 * A repository-wide lock for `git worktree prune`/`add`: git itself is not safe when two
 * processes add worktrees to one repository at once (`fatal: failed to read
 * .git/worktrees/<name>/commondir`), and a `prune` can drop the other's half-made entry. Two
 * missions of one repository orchestrated at once would otherwise fail lane allocations at
 * random. Both the built-in host (lane allocation) and the engine (creating a workspace the host
 * returned but did not create) take it. A kernel `flock` on `<git common dir>/spec-kitty-orchestrator-worktrees.lock`: released
 * when the holder dies, so nothing can go stale.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { git } from "./git.ts";

/** File name of the lock inside the git common directory. */
export const WORKTREE_LOCK_NAME = "spec-kitty-orchestrator-worktrees.lock";

/** Runs `fn` while holding the worktree lock of the repository at `root` (waits for it). */
export async function withWorktreeLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const result = await git(["rev-parse", "--git-common-dir"], { cwd: root, hardened: false });
  if (result.code !== 0) {
    throw new Error(`Cannot lock the worktrees of ${root} as it must be a git repository: ${result.stderr.trim()}`);
  }
  const common = result.stdout.trim();
  const path = join(isAbsolute(common) ? common : join(root, common), WORKTREE_LOCK_NAME);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    // Closing the descriptor releases the flock.
    file.close();
  }
}
