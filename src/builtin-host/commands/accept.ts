/**
 * `accept-mission` (docs/host-contract.md §4.9): every WP approved or done, then record acceptance
 * in meta.json (bounded history of 20). Does not move WPs and does not commit.
 *
 * @module
 */
import { join } from "node:path";
import { type ParsedOptions, req } from "../args.ts";
import { allWpIds, compareWpIds, eraOf, type HostContext, readLog } from "../context.ts";
import { nowIso } from "../envelope.ts";
import { withMissionLock } from "../events.ts";
import { HostFailure } from "../failure.ts";
import { prettyJson, writeAtomic } from "../json.ts";
import { loadMission } from "../mission.ts";
import { laneOfWp } from "../snapshot.ts";

/** How many acceptance records meta.json keeps. */
export const ACCEPTANCE_HISTORY_MAX = 20;

/** Returns meta with the acceptance recorded (pure). */
export function recordAcceptance(meta: Record<string, unknown>, actor: string, at: string): Record<string, unknown> {
  const entry = { acceptance_mode: "orchestrator", accepted_at: at, accepted_by: actor };
  const history = Array.isArray(meta.acceptance_history) ? [...meta.acceptance_history, entry] : [entry];
  return {
    ...meta,
    ...entry,
    acceptance_history: history.slice(-ACCEPTANCE_HISTORY_MAX),
  };
}

/** `accept-mission --mission M --actor A`. */
export async function acceptMission(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const actor = req(options, "actor");
  return await withMissionLock(mission.dir, async () => {
    const { states } = await readLog(mission);
    const ids = allWpIds(mission, states);
    const lanes = new Map(ids.map((id) => [id, laneOfWp(states, id)]));
    // The feature era's accept-feature wants every WP done (approved is not enough).
    const feature = eraOf(ctx).missionFlag === "--feature";
    const complete = (id: string) => lanes.get(id) === "done" || (!feature && lanes.get(id) === "approved");
    const incomplete = ids.filter((id) => !complete(id));
    if (incomplete.length > 0) {
      if (feature) {
        throw new HostFailure("FEATURE_NOT_READY", `Feature has ${incomplete.length} incomplete WP(s)`, {
          incomplete_wps: incomplete,
        });
      }
      throw new HostFailure("MISSION_NOT_READY", `Mission has ${incomplete.length} incomplete WP(s)`, {
        ...mission.identity,
        incomplete_wps: incomplete,
      });
    }
    const approved = ids.filter((id) => lanes.get(id) === "approved").sort(compareWpIds);
    const done = ids.filter((id) => lanes.get(id) === "done").sort(compareWpIds);
    const at = nowIso(ctx.clock);
    await writeAtomic(join(mission.dir, "meta.json"), prettyJson(recordAcceptance(mission.meta, actor, at)));
    if (feature) return { ...mission.identity, accepted: true, mode: "auto", accepted_at: at };
    return {
      ...mission.identity,
      accepted: true,
      mode: "auto",
      accepted_at: at,
      accepted_wps: [...approved, ...done],
      approved_wps: approved,
      done_wps: done,
      merge_pending_wps: approved,
    };
  });
}
