/**
 * `start-implementation` and `start-review` (docs/host-contract.md §4.5, §4.6).
 *
 * Every decision (finalized? dependencies? claim?) is made before any side effect, so a
 * rejected call creates no worktree and appends no event — stricter than the real host, which
 * allocates the workspace before the lane transition.
 *
 * @module
 */
import { type ParsedOptions, req, str } from "../args.ts";
import { eraOf, type HostContext, mutate, satisfiedWps } from "../context.ts";
import { nowIso } from "../envelope.ts";
import { type LaneEvent, newLaneEvent } from "../events.ts";
import { HostFailure, rejected } from "../failure.ts";
import { findWp, loadMission, type Mission, type WpFile } from "../mission.ts";
import { type RecordedPolicy, validatePolicy } from "../policy.ts";
import { unsatisfiedDependencies } from "../readiness.ts";
import { laneOfWp, UNINITIALIZED } from "../snapshot.ts";
import { allocateLane, planWorkspace } from "../worktree.ts";
import { laneFields } from "./read.ts";
import { ALLOCATION_RACE_ENV, raceHoldMs, withAllocationRace } from "../allocation_race.ts";

/** Claimants that any actor may take over (the host's generic placeholders). */
const GENERIC_CLAIMANTS = ["implement-command", "unknown"];

function notFinalized(wpId: string): HostFailure {
  return rejected(`WP ${wpId} is not finalized; run \`spec-kitty agent mission finalize-tasks\``);
}

function missionId(mission: Mission): string | undefined {
  return typeof mission.meta.mission_id === "string" ? mission.meta.mission_id : undefined;
}

/** The lane events `start-implementation` emits from `lane`, or a failure. Pure. */
export function implementationEvents(
  mission: Mission,
  wp: WpFile,
  lane: string,
  holder: string | null,
  actor: string,
  policy: Record<string, unknown>,
  at: string,
): LaneEvent[] {
  const base = { wpId: wp.wpId, at, actor, missionSlug: mission.slug, missionId: missionId(mission), policy };
  const claimed = () =>
    new HostFailure("WP_ALREADY_CLAIMED", `WP ${wp.wpId} is already claimed for implementation by '${holder}'`, {
      ...mission.identity,
      claimed_by: holder,
      requesting_actor: actor,
    });
  switch (lane) {
    case "planned":
      return [
        newLaneEvent({
          ...base,
          from: "planned",
          to: "claimed",
          reason: "Claimed for implementation via orchestrator-api",
        }),
        newLaneEvent({
          ...base,
          from: "claimed",
          to: "in_progress",
          reason: "Started implementation via action command",
        }),
      ];
    case "claimed":
      if (holder !== actor && !GENERIC_CLAIMANTS.includes(holder ?? "")) throw claimed();
      return [
        newLaneEvent({
          ...base,
          from: "claimed",
          to: "in_progress",
          reason: "Started implementation via action command",
        }),
      ];
    case "in_progress":
      if (holder !== actor) throw claimed();
      return [];
    case UNINITIALIZED:
    case "genesis":
      throw notFinalized(wp.wpId);
    default:
      throw rejected(`WP ${wp.wpId} is in '${lane}', cannot start implementation`);
  }
}

/**
 * `start-implementation --mission M --wp WP --actor A --policy JSON`.
 *
 * With `SKO_BUILTIN_ALLOCATION_RACE_MS` set (a test mode, see `allocation_race.ts`) a second
 * lane allocation of the mission while one is in flight is refused as the real host does.
 */
export async function startImplementation(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const policy = validatePolicy(str(options, "policy"), "--policy is required for start-implementation");
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const wp = findWp(mission, req(options, "wp"));
  const actor = req(options, "actor");
  const holdMs = raceHoldMs(Deno.env.get(ALLOCATION_RACE_ENV));
  return await withAllocationRace(mission, wp.wpId, holdMs, () => claimAndAllocate(ctx, mission, wp, actor, policy));
}

function claimAndAllocate(
  ctx: HostContext,
  mission: Mission,
  wp: WpFile,
  actor: string,
  policy: RecordedPolicy | null,
): Promise<Record<string, unknown>> {
  return mutate(ctx, mission, async ({ states }) => {
    const era = eraOf(ctx);
    // The feature era's finalize seeds no status events: a WP without any is planned there.
    const seen = laneOfWp(states, wp.wpId);
    const lane = seen === UNINITIALIZED && !era.hostDependencyGate ? "planned" : seen;
    // The feature era has no dependency gate: a WP with unfinished dependencies starts.
    if (era.hostDependencyGate && (lane === "planned" || lane === "claimed")) {
      const unsatisfied = unsatisfiedDependencies(wp.dependencies, (id) => laneOfWp(states, id));
      if (unsatisfied.length > 0) {
        throw new HostFailure(
          "DEPENDENCIES_NOT_SATISFIED",
          `dependencies_not_satisfied: ${wp.wpId} depends on ${unsatisfied.join(", ")}; ` +
            "all dependencies must be approved or done before implementation can start",
          { ...mission.identity, wp_id: wp.wpId, unsatisfied_dependencies: unsatisfied },
        );
      }
    }
    const holder = states.get(wp.wpId)?.actor ?? null;
    const events = implementationEvents(mission, wp, lane, holder, actor, policy ?? {}, nowIso(ctx.clock));
    const plan = planWorkspace(mission, wp.wpId, satisfiedWps(states), era);
    await allocateLane(mission, wp.wpId, plan);
    return {
      events,
      result: {
        ...mission.identity,
        wp_id: wp.wpId,
        from_lane: lane,
        to_lane: "in_progress",
        workspace_path: plan.workspacePath,
        prompt_path: wp.path,
        policy_metadata_recorded: true,
        no_op: events.length === 0,
        ...laneFields(plan),
      },
    };
  });
}

/** `start-review --mission M --wp WP --actor A --policy JSON [--review-ref R]`. */
export async function startReview(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const policy = validatePolicy(str(options, "policy"), "--policy is required for start-review");
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const wp = findWp(mission, req(options, "wp"));
  const actor = req(options, "actor");
  const reviewRef = str(options, "review-ref") ?? null;
  const era = eraOf(ctx);
  if (!era.startReviewClaims) return await sendBack(ctx, mission, wp, actor, policy, reviewRef);
  return await mutate(ctx, mission, ({ states }) => {
    const lane = laneOfWp(states, wp.wpId);
    const holder = states.get(wp.wpId)?.actor ?? null;
    let events: LaneEvent[] = [];
    if (lane === "in_review" && !era.reviewResultFlag && holder !== null && holder !== actor) {
      // Before 1.3 a second reviewer is refused (1.3 lets it through as a no-op).
      throw new HostFailure("WP_ALREADY_CLAIMED", `WP ${wp.wpId} is already claimed for review by '${holder}'`, {
        ...mission.identity,
        claimed_by: holder,
        requesting_actor: actor,
      });
    }
    if (lane === "for_review") {
      events = [newLaneEvent({
        wpId: wp.wpId,
        from: "for_review",
        to: "in_review",
        at: nowIso(ctx.clock),
        actor,
        missionSlug: mission.slug,
        missionId: missionId(mission),
        reason: "Started review via action command",
        reviewRef,
        policy,
      })];
    } else if (lane === UNINITIALIZED || lane === "genesis") {
      throw notFinalized(wp.wpId);
    } else if (lane !== "in_review") {
      throw rejected(`WP ${wp.wpId} is in '${lane}', cannot start review`);
    }
    return Promise.resolve({
      events,
      result: {
        ...mission.identity,
        wp_id: wp.wpId,
        from_lane: lane,
        to_lane: "in_review",
        prompt_path: wp.path,
        policy_metadata_recorded: true,
        no_op: events.length === 0,
      },
    });
  });
}

/**
 * The feature era's `start-review`: the reviewer's send-back, for_review → in_progress, guarded by
 * `--review-ref` (its data has no `no_op`).
 */
function sendBack(
  ctx: HostContext,
  mission: Mission,
  wp: WpFile,
  actor: string,
  policy: RecordedPolicy | null,
  reviewRef: string | null,
): Promise<Record<string, unknown>> {
  if (reviewRef === null || reviewRef === "") {
    throw rejected("--review-ref is required for start-review (for_review\u2192in_progress guard)");
  }
  return mutate(ctx, mission, ({ states }) => {
    const lane = laneOfWp(states, wp.wpId);
    if (lane !== "for_review") throw rejected(`WP ${wp.wpId} is in '${lane}', cannot start review`);
    const event = newLaneEvent({
      wpId: wp.wpId,
      from: "for_review",
      to: "in_progress",
      at: nowIso(ctx.clock),
      actor,
      missionSlug: mission.slug,
      missionId: missionId(mission),
      reason: "Review started: sent back for changes",
      reviewRef,
      policy,
    });
    return Promise.resolve({
      events: [event],
      result: {
        ...mission.identity,
        wp_id: wp.wpId,
        from_lane: "for_review",
        to_lane: "in_progress",
        prompt_path: wp.path,
        policy_metadata_recorded: policy !== null,
      },
    });
  });
}
