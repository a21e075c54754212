/**
 * Lane worktrees (docs/host-contract.md §9): `<repo>/.worktrees/<slug>-<lane_id>` on branch
 * `kitty/mission-<slug>-<lane_id>`, parented on the lane base ref, with the tips of
 * approved/done dependency lanes merged in. Legacy missions (no lanes.json, or a WP in no
 * lane) get the bare path `<repo>/.worktrees/<mission>-<WPnn>`, which is never created.
 *
 * {@link planWorkspace} is pure; {@link allocateLane} and {@link implementationCommits} run git.
 *
 * @module
 */
import { join } from "node:path";
import { HostFailure } from "./failure.ts";
import { git, gitOk, identityArgs, refExists } from "./git.ts";
import { withWorktreeLock } from "../proc/worktree_lock.ts";
import { laneBaseRef, laneOf, type Mission } from "./mission.ts";
import { exists } from "../util/fs.ts";
import { type EraProfile, ERAS } from "../host/era.ts";

const LANE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where a WP works. Lane fields are present only for lane WPs. */
export interface WorkspacePlan {
  workspacePath: string;
  laneId?: string;
  laneBranch?: string;
  laneBaseRef?: string;
  /** Branches of other lanes holding this WP's dependencies (merged in when approved/done). */
  dependencyBranches: string[];
  /** The subset of {@link dependencyBranches} whose WPs are approved/done now. */
  mergeableBranches: string[];
}

/** The lane branch name of `laneId`. */
export function laneBranchName(slug: string, laneId: string): string {
  return `kitty/mission-${slug}-${laneId}`;
}

/**
 * Computes the workspace of `wpId`.
 *
 * @param satisfied WP ids that are approved/done now.
 * @throws {HostFailure} `LANE_ALLOCATION_FAILED` when lanes.json is unreadable or names an unsafe lane id.
 */
export function planWorkspace(
  mission: Mission,
  wpId: string,
  satisfied: ReadonlySet<string>,
  era: EraProfile = ERAS["1.3"],
): WorkspacePlan {
  if (mission.lanesError !== null) {
    throw new HostFailure("LANE_ALLOCATION_FAILED", `Cannot plan the workspace of ${wpId}: ${mission.lanesError}`, {
      ...mission.identity,
      wp_id: wpId,
      reason: mission.lanesError,
    });
  }
  // Hosts before contract 1.1 ignore lanes.json: they name the bare path and create nothing.
  const lane = era.hostCreatesWorkspace ? laneOf(mission, wpId) : null;
  if (lane === null) {
    return {
      workspacePath: join(mission.root, ".worktrees", `${mission.slug}-${wpId}`),
      dependencyBranches: [],
      mergeableBranches: [],
    };
  }
  if (!LANE_ID_RE.test(lane.laneId)) {
    throw new HostFailure("LANE_ALLOCATION_FAILED", `Lane id ${JSON.stringify(lane.laneId)} in lanes.json is unsafe`, {
      ...mission.identity,
      wp_id: wpId,
      reason: "unsafe lane id in lanes.json",
    });
  }
  const deps = mission.wps.find((w) => w.wpId === wpId)?.dependencies ?? [];
  const dependencyBranches: string[] = [];
  const mergeableBranches: string[] = [];
  for (const dep of deps) {
    const depLane = laneOf(mission, dep);
    if (depLane === null || depLane.laneId === lane.laneId || !LANE_ID_RE.test(depLane.laneId)) continue;
    const branch = laneBranchName(mission.slug, depLane.laneId);
    if (!dependencyBranches.includes(branch)) dependencyBranches.push(branch);
    if (satisfied.has(dep) && !mergeableBranches.includes(branch)) mergeableBranches.push(branch);
  }
  return {
    workspacePath: join(mission.root, ".worktrees", `${mission.slug}-${lane.laneId}`),
    laneId: lane.laneId,
    laneBranch: laneBranchName(mission.slug, lane.laneId),
    laneBaseRef: laneBaseRef(mission),
    dependencyBranches,
    mergeableBranches,
  };
}

/**
 * Creates or reuses the lane worktree of `plan` and merges approved dependency lanes into it.
 * Does nothing for legacy plans.
 *
 * @throws {HostFailure} `LANE_ALLOCATION_FAILED` (data: identity, `wp_id`, `reason`) when the
 *   base ref is missing, a reused worktree is dirty or on another branch, or a merge conflicts.
 */
export async function allocateLane(mission: Mission, wpId: string, plan: WorkspacePlan): Promise<void> {
  if (plan.laneBranch === undefined || plan.laneBaseRef === undefined) return;
  const fail = (reason: string) =>
    new HostFailure("LANE_ALLOCATION_FAILED", `Cannot allocate lane workspace for ${wpId}: ${reason}`, {
      ...mission.identity,
      wp_id: wpId,
      reason,
    });
  const root = mission.root;
  const path = plan.workspacePath;
  if (await exists(path)) {
    const head = await git(path, ["rev-parse", "--abbrev-ref", "HEAD"]);
    if (head.code !== 0) throw fail(`${path} exists but is not a git worktree`);
    if (head.stdout.trim() !== plan.laneBranch) {
      throw fail(`worktree ${path} is on '${head.stdout.trim()}', expected lane branch '${plan.laneBranch}'`);
    }
    const status = await git(path, ["status", "--porcelain"]);
    if (status.stdout.trim() !== "") {
      const entries = status.stdout.trim().split("\n").slice(0, 5).join("; ");
      throw fail(`reused worktree ${path} has uncommitted changes (${entries})`);
    }
  } else {
    const branch = plan.laneBranch;
    const base = plan.laneBaseRef;
    try {
      // Another mission's run may be adding a worktree to this repository right now.
      await withWorktreeLock(root, async () => {
        await git(root, ["worktree", "prune"]);
        if (await refExists(root, `refs/heads/${branch}`)) {
          await gitOk(root, ["worktree", "add", path, branch]);
        } else {
          if (!(await refExists(root, base))) throw fail(`lane base ref '${base}' does not exist`);
          await gitOk(root, ["worktree", "add", "-b", branch, path, base]);
        }
      });
    } catch (error) {
      if (error instanceof HostFailure) throw error;
      throw fail((error as Error).message);
    }
  }
  const ident = await identityArgs(path);
  for (const branch of plan.mergeableBranches) {
    if (!(await refExists(root, `refs/heads/${branch}`))) continue;
    if ((await git(path, ["merge-base", "--is-ancestor", branch, "HEAD"])).code === 0) continue;
    const merge = await git(path, [
      ...ident,
      "merge",
      "--no-edit",
      "-m",
      `Merge ${branch} into ${plan.laneBranch}`,
      branch,
    ]);
    if (merge.code !== 0) {
      await git(path, ["merge", "--abort"]);
      throw fail(
        `merging dependency lane '${branch}' into '${plan.laneBranch}' failed: ${
          (merge.stdout + merge.stderr).trim().split("\n").slice(-3).join(" ")
        }`,
      );
    }
  }
}

/**
 * Counts the lane's implementation commits: non-merge commits on the lane branch that are not
 * reachable from the base ref or from any dependency lane (a stricter version of the host's
 * `git rev-list <base>..HEAD`, so merged-in dependency work does not count as this WP's).
 */
export async function implementationCommits(mission: Mission, plan: WorkspacePlan): Promise<number> {
  if (plan.laneBranch === undefined || plan.laneBaseRef === undefined) return 0;
  const root = mission.root;
  if (!(await refExists(root, `refs/heads/${plan.laneBranch}`))) return 0;
  const excluded: string[] = [];
  for (const ref of [plan.laneBaseRef, ...plan.dependencyBranches]) {
    if (await refExists(root, ref)) excluded.push(`^${ref}`);
  }
  const out = await git(root, [
    "rev-list",
    "--count",
    "--no-merges",
    `refs/heads/${plan.laneBranch}`,
    ...excluded,
    "--",
  ]);
  return out.code === 0 ? Number.parseInt(out.stdout.trim(), 10) || 0 : 0;
}
