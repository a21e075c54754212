/**
 * Saving what a dead run left uncommitted in its worktrees before `orchestrate --fresh` starts
 * over.
 *
 * A killed agent leaves half-done files in its lane worktree. `resume` keeps them (the commit gate
 * sweeps them into the WP's next commit), but a fresh run claims the WP anew and the host refuses
 * to re-allocate a dirty worktree (`LANE_ALLOCATION_FAILED`). So the changes are committed on a
 * rescue branch `orchestrator-rescue/<run id>/<WP>` (built with a temporary index: the worktree's
 * own index and HEAD are untouched until the commit exists), and only then is the worktree reset
 * to its HEAD. Nothing is lost, and the caller names the branch in its notice.
 *
 * @module
 */
import { join } from "node:path";
import { FALLBACK_IDENTITY, git } from "../proc/git.ts";
import { EXCLUDED_FROM_WORK } from "../proc/worktree_git.ts";
import type { RunState } from "../domain/run_state.ts";
import { byCodeUnit } from "../core/order.ts";

/** What happened to one dirty worktree. */
export type RescueResult =
  | { ok: true; wpId: string; worktree: string; branch: string; commit: string; paths: string[] }
  | { ok: false; wpId: string; worktree: string; message: string };

/** The rescue branch of `wpId`'s leftovers from run `runId`. */
export function rescueBranch(runId: string, wpId: string): string {
  return `orchestrator-rescue/${runId}/${wpId}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * For every worktree the previous run worked in (its WPs' `workspace_path`, each once) that has
 * uncommitted changes: commits them on a rescue branch and resets the worktree. Clean, missing
 * and non-git paths are skipped. A worktree whose save fails is left exactly as it was.
 */
export async function rescueDirtyWorktrees(repoRoot: string, previous: RunState): Promise<RescueResult[]> {
  const seen = new Set<string>();
  const results: RescueResult[] = [];
  for (const wp of Object.values(previous.wps).sort((a, b) => byCodeUnit(a.wp_id, b.wp_id))) {
    const ws = wp.workspace_path;
    if (ws === null || seen.has(ws)) continue;
    seen.add(ws);
    if (!await isDirectory(ws)) continue;
    const result = await rescueOne(repoRoot, ws, rescueBranch(previous.run_id, wp.wp_id), wp.wp_id, previous.run_id);
    if (result !== null) results.push(result);
  }
  return results;
}

async function rescueOne(
  repoRoot: string,
  ws: string,
  branch: string,
  wpId: string,
  runId: string,
): Promise<RescueResult | null> {
  const run = (args: string[], env?: Record<string, string>) => git(args, { cwd: ws, timeoutMs: 60_000, env });
  // Only a linked worktree of its own: never a plain directory inside another checkout, and never
  // the primary checkout (a flat mission works there; resetting it would touch the user's tree).
  const top = await run(["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) return null;
  const real = await Deno.realPath(ws);
  if (await Deno.realPath(top.stdout.trim()).catch(() => "") !== real) return null;
  if (await Deno.realPath(repoRoot).catch(() => "") === real) return null;
  const status = await run(["status", "--porcelain=v1", "--untracked-files=all", "--", ".", ...EXCLUDED_FROM_WORK]);
  if (status.code !== 0) {
    return { ok: false, wpId, worktree: ws, message: `git status failed in ${ws}: ${status.stderr.trim()}` };
  }
  const paths = status.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3));
  if (paths.length === 0) return null;
  const tmp = await Deno.makeTempDir({ prefix: "sko-rescue-" });
  try {
    const env = { GIT_INDEX_FILE: join(tmp, "index") };
    const steps: string[][] = [["read-tree", "HEAD"], ["add", "-A", "--", ".", ...EXCLUDED_FROM_WORK]];
    for (const args of steps) {
      const out = await run(args, env);
      if (out.code !== 0) return failed(wpId, ws, args, out.stderr);
    }
    const tree = await run(["write-tree"], env);
    if (tree.code !== 0) return failed(wpId, ws, ["write-tree"], tree.stderr);
    const message = `Uncommitted changes left in ${wpId}'s worktree by run ${runId} (saved by orchestrate --fresh)`;
    const commit = await run([...FALLBACK_IDENTITY, "commit-tree", tree.stdout.trim(), "-p", "HEAD", "-m", message]);
    if (commit.code !== 0) return failed(wpId, ws, ["commit-tree"], commit.stderr);
    const sha = commit.stdout.trim();
    // The ref lives in the shared repository: visible from the primary checkout and every worktree.
    const ref = await git(["branch", "--force", branch, sha], { cwd: repoRoot, timeoutMs: 60_000 });
    if (ref.code !== 0) return failed(wpId, ws, ["branch", branch], ref.stderr);
    const reset = await run(["reset", "--hard", "--quiet", "HEAD"]);
    if (reset.code !== 0) return failed(wpId, ws, ["reset", "--hard"], reset.stderr, branch);
    // -d without -x: ignored files (build caches, our logs) stay, as they never block a lane.
    const clean = await run(["clean", "-fdq", "--", ".", ...EXCLUDED_FROM_WORK]);
    if (clean.code !== 0) return failed(wpId, ws, ["clean", "-fd"], clean.stderr, branch);
    return { ok: true, wpId, worktree: ws, branch, commit: sha, paths };
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

function failed(wpId: string, ws: string, args: string[], stderr: string, saved?: string): RescueResult {
  const where = saved === undefined ? "nothing was changed" : `the changes are saved on branch ${saved}`;
  return {
    ok: false,
    wpId,
    worktree: ws,
    message: `saving the uncommitted changes in ${ws} failed at \`git ${args.join(" ")}\` (${
      stderr.trim() || "no message"
    }); ${where}`,
  };
}
