/**
 * `merge-mission` (docs/host-contract.md §4.10), simplified and safer than the real host:
 * each lane branch is merged straight into the target branch in the primary checkout (no
 * intermediate mission branch), only when that checkout has the target checked out and no
 * tracked changes outside the mission's own status files, every WP is approved or done and
 * every lane branch exists. A failed merge rolls the target back with `git reset --keep`
 * (uncommitted status files survive). Then approved WPs move to done (actor `merge`), lane
 * worktrees are removed and lane branches deleted. Git output never reaches our stdout.
 *
 * @module
 */
import { join, relative } from "node:path";
import { bool, type ParsedOptions, req, str } from "../args.ts";
import { allWpIds, type HostContext, mutate } from "../context.ts";
import { nowIso } from "../envelope.ts";
import { EVENTS_FILE, type LaneEvent, LOCK_FILE, newLaneEvent } from "../events.ts";
import { HostFailure } from "../failure.ts";
import { git, gitOk, identityArgs, refExists } from "../git.ts";
import { prettyJson, writeAtomic } from "../json.ts";
import { loadMission, type Mission } from "../mission.ts";
import { laneOfWp } from "../snapshot.ts";
import { laneBranchName } from "../worktree.ts";

/** Strategies the host accepts. */
export const SUPPORTED_STRATEGIES = ["merge", "rebase", "squash"] as const;

/** The target branch: `--target`, else meta `merge_target_branch`, `target_branch`, else `main`. */
export function mergeTarget(mission: Mission, explicit: string | undefined): string {
  for (const value of [explicit, mission.meta.merge_target_branch, mission.meta.target_branch]) {
    if (typeof value === "string" && value !== "") return value;
  }
  return "main";
}

/** Files of the mission that the host itself rewrites and that may be dirty during a merge. */
function ownStatusFiles(mission: Mission): Set<string> {
  const rel = relative(mission.root, mission.dir);
  return new Set(["status.json", EVENTS_FILE, "meta.json", LOCK_FILE].map((f) => `${rel}/${f}`));
}

async function preflight(mission: Mission, target: string, lanesIds: string[]): Promise<string[]> {
  const errors: string[] = [];
  const root = mission.root;
  if (mission.lanes === null) errors.push(`lanes.json is missing or invalid in ${relative(root, mission.dir)}`);
  if (!(await refExists(root, `refs/heads/${target}`))) errors.push(`Target branch '${target}' does not exist locally`);
  const head = (await git(root, ["symbolic-ref", "--quiet", "--short", "HEAD"])).stdout.trim();
  if (head !== target) {
    errors.push(`Target branch '${target}' must be checked out in the primary checkout ${root}: current is '${head}'`);
  }
  const own = ownStatusFiles(mission);
  const dirty = (await git(root, ["status", "--porcelain", "--untracked-files=no"])).stdout.split("\n")
    .filter((line) => line.trim() !== "" && !own.has(line.slice(3).trim()));
  if (dirty.length > 0) {
    errors.push(`The primary checkout ${root} has uncommitted changes: ${dirty.map((l) => l.trim()).join("; ")}`);
  }
  for (const laneId of lanesIds) {
    const branch = laneBranchName(mission.slug, laneId);
    if (!(await refExists(root, `refs/heads/${branch}`))) errors.push(`Lane branch ${branch} does not exist`);
  }
  return errors;
}

async function mergeLane(mission: Mission, branch: string, target: string, strategy: string, ident: string[]) {
  const root = mission.root;
  if (strategy === "merge") {
    await gitOk(root, [...ident, "merge", "--no-ff", "--no-edit", "-m", `Merge ${branch} into ${target}`, branch]);
  } else if (strategy === "squash") {
    await gitOk(root, [...ident, "merge", "--squash", branch]);
    if ((await git(root, ["diff", "--cached", "--quiet"])).code !== 0) {
      await gitOk(root, [...ident, "commit", "--no-verify", "-m", `Squash-merge ${branch} into ${target}`]);
    }
  } else {
    const tmp = join(root, ".worktrees", `.rebase-${crypto.randomUUID()}`);
    await gitOk(root, ["worktree", "add", "--detach", tmp, branch]);
    try {
      const rebase = await git(tmp, [...ident, "rebase", target]);
      if (rebase.code !== 0) {
        await git(tmp, ["rebase", "--abort"]);
        throw new Error(`rebase of ${branch} onto ${target} failed: ${rebase.stderr.trim()}`);
      }
      const tip = await gitOk(tmp, ["rev-parse", "HEAD"]);
      await gitOk(root, ["merge", "--ff-only", tip]);
    } finally {
      await git(root, ["worktree", "remove", "--force", tmp]);
    }
  }
}

/** `merge-mission --mission M [--target B] [--strategy S] [--push]`. */
export async function mergeMission(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const strategy = str(options, "strategy") ?? "merge";
  if (!(SUPPORTED_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new HostFailure(
      "UNSUPPORTED_STRATEGY",
      `Strategy '${strategy}' is not supported. Supported strategies: ['merge', 'rebase', 'squash']`,
      { strategy, supported: [...SUPPORTED_STRATEGIES] },
    );
  }
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const target = mergeTarget(mission, str(options, "target"));
  const failed = (errors: string[]) =>
    new HostFailure("PREFLIGHT_FAILED", "Merge failed", { ...mission.identity, target_branch: target, errors });
  return await mutate(ctx, mission, async ({ states }) => {
    const ids = allWpIds(mission, states);
    const notReady = ids.filter((id) => !["approved", "done"].includes(laneOfWp(states, id)));
    const laneIds = (mission.lanes ?? []).filter((l) => l.wpIds.length > 0).map((l) => l.laneId);
    const errors = await preflight(mission, target, laneIds);
    for (const id of notReady) errors.push(`${id} is in '${laneOfWp(states, id)}': every WP must be approved or done`);
    if (errors.length > 0) throw failed(errors);
    const root = mission.root;
    const ident = await identityArgs(root);
    const before = await gitOk(root, ["rev-parse", "HEAD"]);
    for (const laneId of laneIds) {
      const branch = laneBranchName(mission.slug, laneId);
      try {
        await mergeLane(mission, branch, target, strategy, ident);
      } catch (error) {
        await git(root, ["merge", "--abort"]);
        await git(root, ["reset", "--keep", before]);
        throw failed([(error as Error).message]);
      }
    }
    if (bool(options, "push") === true) {
      const push = await git(root, ["push", "origin", target]);
      if (push.code !== 0) throw failed([`Merged locally, but push to origin failed: ${push.stderr.trim()}`]);
    }
    const at = nowIso(ctx.clock);
    const events: LaneEvent[] = ids.filter((id) => laneOfWp(states, id) === "approved").map((id) =>
      newLaneEvent({
        wpId: id,
        from: "approved",
        to: "done",
        at,
        actor: "merge",
        missionSlug: mission.slug,
        missionId: typeof mission.meta.mission_id === "string" ? mission.meta.mission_id : undefined,
        reason: `Merged ${id} into ${target}`,
        evidence: {
          review: {
            reviewer: String(states.get(id)?.reviewResult?.reviewer ?? "unknown"),
            verdict: "approved",
            reference: `lane-approved:${id}`,
          },
        },
        policy: { merge_phase: "lane_integrated", target_branch: target },
      })
    );
    let removed = true;
    for (const laneId of laneIds) {
      const path = join(root, ".worktrees", `${mission.slug}-${laneId}`);
      const exists = await Deno.lstat(path).then(() => true, () => false);
      if (exists && (await git(root, ["worktree", "remove", path])).code !== 0) removed = false;
      if ((await git(root, ["branch", "-D", laneBranchName(mission.slug, laneId)])).code !== 0) removed = false;
    }
    const history = Array.isArray(mission.meta.merge_history) ? mission.meta.merge_history : [];
    const record = { merged_at: at, merged_into: target, merge_strategy: strategy };
    await writeAtomic(
      join(mission.dir, "meta.json"),
      prettyJson({ ...mission.meta, ...record, merge_history: [...history, record].slice(-20) }),
    );
    return {
      events,
      result: {
        ...mission.identity,
        merged: true,
        target_branch: target,
        strategy,
        merged_wps: ids,
        worktree_removed: removed,
      },
    };
  });
}
