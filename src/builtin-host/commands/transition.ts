/**
 * `transition` (docs/host-contract.md §4.7): the lane machine of `lanes.ts`, the for_review commit
 * gate for lane WPs, and the JSON inputs (`--review-result-json`, `--evidence-json`), all
 * validated before anything is written.
 *
 * @module
 */
import { bool, type ParsedOptions, req, str } from "../args.ts";
import { join } from "node:path";
import { eraOf, type HostContext, mutate, satisfiedWps } from "../context.ts";
import { checkboxesComplete } from "../emulate.ts";
import { nowIso } from "../envelope.ts";
import { newLaneEvent } from "../events.ts";
import { HostFailure, rejected } from "../failure.ts";
import { findWp, loadMission } from "../mission.ts";
import {
  decideTransition,
  isLegalEdge,
  normalizeLane,
  POLICY_REQUIRED_TARGETS,
  type ReviewResultInput,
} from "../lanes.ts";
import { validatePolicy } from "../policy.ts";
import { laneOfWp, subtasksComplete, UNINITIALIZED } from "../snapshot.ts";
import { implementationCommits, planWorkspace } from "../worktree.ts";

function badInput(message: string): HostFailure {
  return new HostFailure("USAGE_ERROR", message);
}

function parseObject(raw: string, flag: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw badInput(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badInput(`${flag} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Parses `--review-result-json`: non-empty string reviewer/verdict/reference, verdict
 * `approved` or `changes_requested`, optional string `feedback_path`.
 *
 * @throws {HostFailure} `USAGE_ERROR` (exit 1) naming the offending field.
 */
export function parseReviewResult(raw: string | undefined): ReviewResultInput | null {
  if (raw === undefined) return null;
  const value = parseObject(raw, "--review-result-json");
  for (const field of ["reviewer", "verdict", "reference"]) {
    const v = value[field];
    if (typeof v !== "string" || v.trim() === "") {
      throw badInput(`--review-result-json field '${field}' must be a non-empty string`);
    }
  }
  if (value.verdict !== "approved" && value.verdict !== "changes_requested") {
    throw badInput(
      `--review-result-json field 'verdict' must be 'approved' or 'changes_requested': current value is ${
        JSON.stringify(value.verdict)
      }`,
    );
  }
  if (value.feedback_path !== undefined && typeof value.feedback_path !== "string") {
    throw badInput("--review-result-json field 'feedback_path' must be a string");
  }
  const result: ReviewResultInput = {
    reviewer: value.reviewer as string,
    verdict: value.verdict,
    reference: value.reference as string,
  };
  if (typeof value.feedback_path === "string") result.feedback_path = value.feedback_path;
  return result;
}

/** Parses `--evidence-json` (must be an object). @throws {HostFailure} `USAGE_ERROR`. */
export function parseEvidence(raw: string | undefined): Record<string, unknown> | null {
  return raw === undefined ? null : parseObject(raw, "--evidence-json");
}

/** `transition --mission M --wp WP --to LANE --actor A [...]`. */
export async function transition(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const to = normalizeLane(req(options, "to"));
  const policy = validatePolicy(
    str(options, "policy"),
    POLICY_REQUIRED_TARGETS.includes(to) ? `--policy is required when transitioning to '${to}'` : null,
  );
  const evidence = parseEvidence(str(options, "evidence-json"));
  const reviewResult = parseReviewResult(str(options, "review-result-json"));
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const wp = findWp(mission, req(options, "wp"));
  const actor = req(options, "actor");
  const force = bool(options, "force") ?? false;
  const note = str(options, "note") ?? null;
  const reviewRef = str(options, "review-ref") ?? null;
  const era = eraOf(ctx);
  // Before 1.3 the subtask gate reads tasks.md checkboxes (the mission era honours --subtasks-complete).
  const tasksMd = era.subtaskSource === "checkboxes"
    ? await Deno.readTextFile(join(mission.dir, "tasks.md")).catch(() => null)
    : null;
  return await mutate(ctx, mission, async ({ states }) => {
    const current = laneOfWp(states, wp.wpId);
    const from = current === UNINITIALIZED ? "genesis" : current;
    const state = states.get(wp.wpId);
    if (!force && to === "for_review" && isLegalEdge(from, to, era)) {
      const plan = planWorkspace(mission, wp.wpId, satisfiedWps(states), era);
      if (plan.laneId !== undefined && (await implementationCommits(mission, plan)) === 0) {
        throw rejected(
          `${wp.wpId} cannot move to for_review: no implementation commit on lane ${plan.laneId} ` +
            `(${plan.laneBranch}) beyond ${plan.laneBaseRef}. Commit the work in the lane worktree first, ` +
            "or pass --force if there is genuinely nothing to commit.",
          { ...mission.identity, wp_id: wp.wpId, lane_id: plan.laneId },
        );
      }
    }
    const decision = decideTransition({
      from,
      to,
      actor,
      force,
      reason: note,
      reviewRef,
      reviewResult,
      evidence,
      subtasksComplete: era.subtaskSource === "events"
        ? subtasksComplete(state, wp.subtasks)
        : bool(options, "subtasks-complete") ?? checkboxesComplete(tasksMd, wp.wpId, era),
      era,
      implementationEvidence: bool(options, "implementation-evidence-present") ?? (state?.laneEventCount ?? 0) > 0,
    });
    if (!decision.ok) throw rejected(decision.message);
    const event = newLaneEvent({
      wpId: wp.wpId,
      from,
      to,
      at: nowIso(ctx.clock),
      actor,
      missionSlug: mission.slug,
      missionId: typeof mission.meta.mission_id === "string" ? mission.meta.mission_id : undefined,
      force,
      reason: note,
      reviewRef,
      evidence,
      policy,
      reviewResult: reviewResult === null ? null : { ...reviewResult },
    });
    return {
      events: [event],
      result: {
        ...mission.identity,
        wp_id: wp.wpId,
        from_lane: from,
        to_lane: to,
        policy_metadata_recorded: policy !== null,
      },
    };
  });
}
