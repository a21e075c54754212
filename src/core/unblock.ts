/**
 * Which blocked WPs a continued run takes up again, and taking them up.
 *
 * A WP this orchestrator blocked because an agent could not run at all (auth, model not found,
 * config: a `agent_config` stop cause in the run state) is retried by the next `orchestrate` or
 * `resume`: the user re-runs after fixing the agent, as the guide says. So is a WP it blocked
 * when every agent stayed rate limited past the wait budget (`agent_transient`): a cron line
 * rides out a long provider outage run after run, each with a fresh budget. A WP blocked by a person,
 * or by review rejections, is left alone unless `--retry-blocked` asks for it: nobody fixed
 * anything a retry could see. A WP the run state calls blocked but whose host lane is no longer
 * blocked (someone moved it back) is simply driven again.
 *
 * `blocked → in_progress` is the only unforced way out of blocked (policy required), so that is
 * the transition sent; the WP then continues like one of ours in progress (see
 * `prepareForRetry` for where it picks up).
 *
 * @module
 */
import { errorMessage } from "../domain/errors.ts";
import type { Host, Lane, WorkPackageState } from "../domain/host.ts";
import { newWpState, noteText, prepareForRetry, transientLabel } from "./lifecycle_rules.ts";
import type { RunState } from "../domain/run_state.ts";

/** Why a blocked WP is taken up again. */
export type RetryReason =
  /** This orchestrator blocked it for an agent configuration error. */
  | "agent_config"
  /** This orchestrator blocked it when the rate-limit wait budget ran out (the outage may be over). */
  | "agent_transient"
  /** `--retry-blocked`: blocked by a person or by review rejections. */
  | "requested"
  /** Our state says blocked, but the host lane was moved out of blocked meanwhile. */
  | "moved";

/** One WP to take up again. */
export interface BlockedRetry {
  wpId: string;
  reason: RetryReason;
  /** True when the host lane is blocked and must be moved to in_progress first. */
  transition: boolean;
}

/**
 * Pure: the WPs to take up again, in id order. `lanes` are the host's current lanes.
 * `retryAll` is `--retry-blocked`.
 */
export function blockedToRetry(
  state: RunState,
  lanes: ReadonlyMap<string, Lane | null>,
  retryAll: boolean,
): BlockedRetry[] {
  const out: BlockedRetry[] = [];
  for (const wpId of [...new Set([...lanes.keys(), ...Object.keys(state.wps)])].sort()) {
    const wp = state.wps[wpId];
    const lane = lanes.get(wpId);
    if (lane === undefined) continue;
    if (lane === "blocked") {
      if (wp?.stop_cause?.kind === "agent_config") out.push({ wpId, reason: "agent_config", transition: true });
      else if (wp?.stop_cause?.kind === "agent_transient") {
        out.push({ wpId, reason: "agent_transient", transition: true });
      } else if (retryAll) out.push({ wpId, reason: "requested", transition: true });
    } else if (wp?.outcome?.kind === "blocked" && lane !== "done" && lane !== "approved" && lane !== "canceled") {
      out.push({ wpId, reason: "moved", transition: false });
    }
  }
  return out;
}

/** The lanes of a `mission-state` read, by WP id. */
export function lanesOf(workPackages: readonly WorkPackageState[]): Map<string, Lane | null> {
  return new Map(workPackages.map((wp) => [wp.wpId, wp.lane]));
}

/** What {@link takeUpBlocked} did for one WP (the caller prints it). */
export type TakeUpResult =
  | { ok: true; retry: BlockedRetry; detail: string }
  | { ok: false; retry: BlockedRetry; detail: string };

/**
 * Moves each WP of `retries` that needs it from blocked to in_progress on the host and prepares
 * its run state for another try. A refused transition leaves that WP as it was (blocked) and is
 * reported; it never stops the others.
 */
export async function takeUpBlocked(
  host: Pick<Host, "transition">,
  state: RunState,
  retries: readonly BlockedRetry[],
): Promise<TakeUpResult[]> {
  const results: TakeUpResult[] = [];
  for (const retry of retries) {
    const wp = state.wps[retry.wpId] ?? newWpState(retry.wpId, "default");
    const detail = retry.reason === "agent_config" && wp.stop_cause?.kind === "agent_config"
      ? `blocked by this orchestrator as ${wp.stop_cause.agent} failed (${wp.stop_cause.failure_class}): ` +
        wp.stop_cause.message
      : retry.reason === "agent_transient" && wp.stop_cause?.kind === "agent_transient"
      ? `blocked by this orchestrator as ${wp.stop_cause.agent} stayed ${
        transientLabel(wp.stop_cause.failure_class)
      } ` +
        "past the rate_limit_budget; retried with a fresh budget"
      : retry.reason === "requested"
      ? "blocked on the host; retried as --retry-blocked was given"
      : "its host lane is no longer blocked";
    if (retry.transition) {
      try {
        await host.transition({
          mission: state.mission,
          wp: retry.wpId,
          to: "in_progress",
          actor: state.actor,
          policy: state.policy,
          note: noteText(`Retried by ${state.actor} run ${state.run_id}: ${detail}`),
        });
      } catch (error) {
        results.push({
          ok: false,
          retry,
          detail: `moving it from blocked to in_progress failed: ${errorMessage(error)}`,
        });
        continue;
      }
    }
    state.wps[retry.wpId] = prepareForRetry(wp);
    results.push({ ok: true, retry, detail });
  }
  return results;
}
