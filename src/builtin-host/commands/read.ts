/**
 * Read-only subcommands: `contract-version`, `mission-state`, `list-ready`, `resolve-workspace`.
 * None of them writes anything (not even `status.json`).
 *
 * @module
 */
import { type ParsedOptions, req, str } from "../args.ts";
import { allWpIds, eraOf, type HostContext, readLog, satisfiedWps } from "../context.ts";
import { ALLOCATION_RACE_ENV, allocationDeclaration } from "../allocation_race.ts";
import { MIN_PROVIDER_VERSION } from "../envelope.ts";
import { HostFailure } from "../failure.ts";
import { findWp, loadMission } from "../mission.ts";
import { isReady } from "../readiness.ts";
import { displayLane, laneOfWp, summarize } from "../snapshot.ts";
import { planWorkspace, type WorkspacePlan } from "../worktree.ts";

const PEP440_RE =
  /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

/** Parses the release part of a PEP 440 version; null when invalid. `pre` marks pre/dev releases. */
export function parseVersion(text: string): { release: number[]; pre: boolean } | null {
  const match = PEP440_RE.exec(text.trim());
  if (!match?.[1]) return null;
  return { release: match[1].split(".").map((n) => Number.parseInt(n, 10)), pre: !!(match[2] || match[6]) };
}

/** True when version `a` is below `b` (release segments, then pre-releases below finals). */
export function versionBelow(a: { release: number[]; pre: boolean }, b: { release: number[]; pre: boolean }): boolean {
  const length = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < length; i++) {
    const x = a.release[i] ?? 0;
    const y = b.release[i] ?? 0;
    if (x !== y) return x < y;
  }
  return a.pre && !b.pre;
}

/** `contract-version [--provider-version V]`. */
export function contractVersion(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const apiVersion = eraOf(ctx).contract;
  const provider = str(options, "provider-version");
  if (provider !== undefined) {
    const parsed = parseVersion(provider);
    if (parsed === null) {
      throw new HostFailure("CONTRACT_VERSION_MISMATCH", `Invalid provider version '${provider}'`, {
        provider_version: provider,
      });
    }
    const min = parseVersion(MIN_PROVIDER_VERSION);
    if (min !== null && versionBelow(parsed, min)) {
      throw new HostFailure(
        "CONTRACT_VERSION_MISMATCH",
        `Provider version '${provider}' is below minimum '${MIN_PROVIDER_VERSION}'`,
        {
          provider_version: provider,
          min_supported_provider_version: MIN_PROVIDER_VERSION,
          api_version: apiVersion,
        },
      );
    }
  }
  return Promise.resolve({
    api_version: apiVersion,
    min_supported_provider_version: MIN_PROVIDER_VERSION,
    // Our own field (the real host sends none), see allocationDeclaration.
    ...allocationDeclaration(Deno.env.get(ALLOCATION_RACE_ENV)),
  });
}

/** `mission-state --mission M`. */
export async function missionState(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const { states } = await readLog(mission);
  const depsOf = new Map(mission.wps.map((wp) => [wp.wpId, wp.dependencies]));
  return {
    ...mission.identity,
    summary: summarize(states),
    work_packages: allWpIds(mission, states).map((wpId) => ({
      wp_id: wpId,
      lane: displayLane(laneOfWp(states, wpId)),
      dependencies: depsOf.get(wpId) ?? [],
      last_actor: null, // the real host always reports null at contract 1.3.0
    })),
  };
}

/** `list-ready --mission M`. */
export async function listReady(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const { states } = await readLog(mission);
  const laneOf = (id: string) => laneOfWp(states, id);
  return {
    ...mission.identity,
    ready_work_packages: mission.wps
      .filter((wp) => isReady(laneOf(wp.wpId), wp.dependencies, laneOf))
      .map((wp) => ({ wp_id: wp.wpId, lane: displayLane(laneOf(wp.wpId)), dependencies_satisfied: true })),
  };
}

/** The lane fields of a plan, for payloads (absent for legacy workspaces). */
export function laneFields(plan: WorkspacePlan): Record<string, string> {
  if (plan.laneId === undefined) return {};
  return { lane_id: plan.laneId, lane_branch: plan.laneBranch ?? "", lane_base_ref: plan.laneBaseRef ?? "" };
}

/** `resolve-workspace --mission M --wp WP`: computes the path, creates nothing. */
export async function resolveWorkspace(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const wp = findWp(mission, req(options, "wp"));
  const { states } = await readLog(mission);
  const plan = planWorkspace(mission, wp.wpId, satisfiedWps(states), eraOf(ctx));
  return {
    ...mission.identity,
    wp_id: wp.wpId,
    workspace_path: plan.workspacePath,
    prompt_path: wp.path,
    ...laneFields(plan),
  };
}
