/**
 * A repository-wide lock for `git worktree prune`/`add`: git itself is not safe when two
 * processes add worktrees to one repository at once (`fatal: failed to read
 * .git/worktrees/<name>/commondir`), and a `prune` can drop the other's half-made entry. Two
 * missions of one repository orchestrated at once would otherwise fail lane allocations at
 * random. A kernel `flock` on `<git common dir>/spec-kitty-orchestrator-worktrees.lock`: released
 * when the holder dies, so nothing can go stale.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { gitOk } from "./git.ts";

/** File name of the lock inside the git common directory. */
export const WORKTREE_LOCK_NAME = "spec-kitty-orchestrator-worktrees.lock";

/** Runs `fn` while holding the worktree lock of the repository at `root` (waits for it). */
export async function withWorktreeLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const common = await gitOk(root, ["rev-parse", "--git-common-dir"]);
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
