/**
 * Workspaces on hosts without `resolve-workspace` (contract < 1.2): the path the host would
 * name, computed from the mission's files the way those hosts do.
 *
 * - 1.0 (feature and early mission era): `<repo>/.worktrees/<mission>-<WPnn>`, which the host
 *   names but never creates; the orchestrator creates it on branch `<mission>-<WPnn>` (the pair
 *   `merge-feature` merges), based on the branch of the WP's last dependency when it has one.
 * - 1.1: the lane worktree `<repo>/.worktrees/<mission>-<lane>` on `kitty/mission-<mission>-<lane>`
 *   from `lanes.json` (the host allocates it), else the bare 1.0 path.
 *
 * {@link planLegacyWorkspace} is pure; {@link readMissionLayout} reads the files.
 *
 * @module
 */
import { join } from "node:path";
import { type EraProfile, legacyWpBranch } from "./era.ts";
import type { LaneInfo } from "../domain/host.ts";

/** What the computation needs from the mission directory. */
export interface MissionLayout {
  /** WP id → prompt file name under `tasks/`. */
  promptFiles: Record<string, string>;
  /** WP id → lane id, from lanes.json. */
  laneOf: Record<string, string>;
  /** The lanes' base ref (lanes.json or meta.json `target_branch`), when known. */
  targetBranch: string | null;
}

/** A computed workspace. */
export interface LegacyWorkspace extends LaneInfo {
  workspacePath: string;
  promptPath: string;
}

/** Where `wp` works on `era` (pure). `dependencies` are the WP's, in order. */
export function planLegacyWorkspace(
  era: EraProfile,
  repoRoot: string,
  mission: string,
  wp: string,
  layout: MissionLayout,
  dependencies: readonly string[],
): LegacyWorkspace {
  const promptPath = join(repoRoot, "kitty-specs", mission, "tasks", layout.promptFiles[wp] ?? `${wp}.md`);
  const lane = layout.laneOf[wp];
  if (era.hostCreatesWorkspace && lane !== undefined) {
    return {
      workspacePath: join(repoRoot, ".worktrees", `${mission}-${lane}`),
      promptPath,
      laneId: lane,
      laneBranch: `kitty/mission-${mission}-${lane}`,
      ...(layout.targetBranch === null ? {} : { laneBaseRef: layout.targetBranch }),
    };
  }
  const last = dependencies.at(-1);
  return {
    workspacePath: join(repoRoot, ".worktrees", `${mission}-${wp}`),
    promptPath,
    ...(era.hostCreatesWorkspace ? {} : { laneBranch: legacyWpBranch(mission, wp) }),
    ...(!era.hostCreatesWorkspace && last !== undefined ? { laneBaseRef: legacyWpBranch(mission, last) } : {}),
  };
}

const WP_FILE_RE = /^(WP[0-9]+)(?:-.*)?\.md$/;

async function readJson(path: string): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = JSON.parse(await Deno.readTextFile(path));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

/** Reads the WP prompt files, lanes.json and meta.json of `mission` (missing parts are empty). */
export async function readMissionLayout(repoRoot: string, mission: string): Promise<MissionLayout> {
  const dir = join(repoRoot, "kitty-specs", mission);
  const promptFiles: Record<string, string> = {};
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(join(dir, "tasks"))) if (entry.isFile) names.push(entry.name);
    for (const name of names.sort()) {
      const id = WP_FILE_RE.exec(name)?.[1];
      if (id !== undefined && promptFiles[id] === undefined) promptFiles[id] = name;
    }
  } catch {
    // No tasks directory: the prompt path falls back to tasks/<WP>.md and reading it fails clearly.
  }
  const laneOf: Record<string, string> = {};
  const lanes = await readJson(join(dir, "lanes.json"));
  if (Array.isArray(lanes?.lanes)) {
    for (const lane of lanes.lanes as unknown[]) {
      const l = lane as { lane_id?: unknown; wp_ids?: unknown };
      if (typeof l.lane_id !== "string" || !Array.isArray(l.wp_ids)) continue;
      for (const id of l.wp_ids) if (typeof id === "string") laneOf[id] = l.lane_id;
    }
  }
  const meta = await readJson(join(dir, "meta.json"));
  const target = typeof lanes?.target_branch === "string"
    ? lanes.target_branch
    : typeof meta?.target_branch === "string"
    ? meta.target_branch
    : null;
  return { promptFiles, laneOf, targetBranch: target };
}
