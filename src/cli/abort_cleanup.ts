/**
 * `abort --cleanup-worktrees`: removes exactly what the run state records as created by this
 * orchestrator — its git worktrees, its branches — and then the run state itself.
 *
 * Safety rules: a recorded path is removed only if git lists it as a linked worktree of this
 * repository (never the main worktree, never a plain directory); a branch only if it exists; a
 * name starting with `-` is refused; already-gone items are fine. If anything fails, the state
 * file is kept so the cleanup can be retried.
 *
 * @module
 */
import { resolve } from "node:path";
import { errorMessage } from "../domain/errors.ts";
import type { StateStore } from "../store/run_state.ts";
import type { Terminal } from "../output/terminal.ts";
import { git as runGit } from "../proc/git.ts";

/** What the cleanup did, item by item (`worktree <path>`, `branch <name>`, `file <path>`). */
export interface CleanupResult {
  removed: string[];
  already_gone: string[];
  /** Recorded but not ours to remove (e.g. a path that is not a registered worktree). */
  skipped: string[];
  failed: { item: string; error: string }[];
}

/** Options of {@link cleanupCreated}. */
export interface CleanupOptions {
  /** Print the removal plan before acting. */
  showPlan: boolean;
  term: Terminal;
}

/** Removes the recorded worktrees and branches, then the state files; see the module doc. */
export async function cleanupCreated(
  repoRoot: string,
  created: { worktrees: readonly string[]; branches: readonly string[] },
  store: StateStore,
  opts: CleanupOptions,
): Promise<CleanupResult> {
  const { term } = opts;
  const worktrees = created.worktrees.map((p) => resolve(repoRoot, p));
  const files = [];
  for (const path of [store.path, store.backupPath, store.journalPath]) if (await exists(path)) files.push(path);
  if (opts.showPlan) {
    term.line("Will remove:");
    for (const w of worktrees) term.line(`  worktree ${w}`);
    for (const b of created.branches) term.line(`  branch   ${b}`);
    for (const f of files) term.line(`  file     ${f}`);
    if (worktrees.length + created.branches.length + files.length === 0) term.line("  (nothing)");
  }
  const result: CleanupResult = { removed: [], already_gone: [], skipped: [], failed: [] };
  const report = (kind: keyof Omit<CleanupResult, "failed">, item: string, verb: string) => {
    result[kind].push(item);
    term.line(`  ${verb} ${item}`);
  };

  const registered = worktrees.length > 0 ? await linkedWorktrees(repoRoot) : new Set<string>();
  for (const path of worktrees) {
    const item = `worktree ${path}`;
    const real = await realPath(path);
    if (registered.has(path) || (real !== null && registered.has(real))) {
      const out = await git(repoRoot, ["worktree", "remove", "--force", path]);
      if (out.ok) report("removed", item, "removed");
      else result.failed.push({ item, error: out.stderr });
    } else if (real === null) {
      report("already_gone", item, "already gone:");
    } else {
      report("skipped", item, "skipped (not a linked git worktree of this repository, left in place):");
    }
  }
  for (const branch of created.branches) {
    const item = `branch ${branch}`;
    if (branch.startsWith("-") || branch.trim() === "") {
      result.failed.push({ item, error: "refusing a branch name that starts with '-' or is empty" });
      continue;
    }
    const exists = await git(repoRoot, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
    if (!exists.ok) {
      report("already_gone", item, "already gone:");
      continue;
    }
    const out = await git(repoRoot, ["branch", "-D", branch]);
    if (out.ok) report("removed", item, "removed");
    else result.failed.push({ item, error: out.stderr });
  }
  if (result.failed.length === 0) {
    await store.remove();
    for (const f of files) report("removed", `file ${f}`, "removed");
  }
  return result;
}

/** Absolute paths of the linked worktrees git knows (the main worktree excluded). */
async function linkedWorktrees(repoRoot: string): Promise<Set<string>> {
  const out = await git(repoRoot, ["worktree", "list", "--porcelain"]);
  const paths = out.stdout.split("\n").filter((l) => l.startsWith("worktree ")).map((l) => l.slice(9));
  return new Set(paths.slice(1));
}

/**
 * Hardened git (no hooks, no fsmonitor): the recorded worktrees were an agent's playground and
 * their config may name programs that `worktree remove` would otherwise run.
 */
async function git(repoRoot: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await runGit(args, { cwd: repoRoot, timeoutMs: 60_000 });
    return { ok: out.code === 0, stdout: out.stdout.trim(), stderr: out.stderr.trim() || `git exited ${out.code}` };
  } catch (error) {
    return { ok: false, stdout: "", stderr: `cannot run git: ${errorMessage(error)}` };
  }
}

async function realPath(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await realPath(path)) !== null;
}
