/**
 * The end of a run as data: per-WP summary lines, the run status and exit code, and what is
 * left for a human. Pure.
 *
 * @module
 */
import { ExitCode } from "../domain/errors.ts";
import type { Lane } from "../domain/host.ts";
import type { RunSummary, WpSummary } from "../domain/run_events.ts";
import { attentionSteps, resumeCommand } from "./next_steps.ts";
import type { RunState } from "../domain/run_state.ts";
import { agentTimeMs, type RunBudget } from "./budget.ts";

/** Inputs of {@link buildSummary} besides the state. */
export interface SummaryInput {
  state: RunState;
  lanes: ReadonlyMap<string, Lane | null>;
  finishedAt: string;
  hostCalls: Record<string, number>;
  /** The host's era, when known. */
  hostEra?: string;
  /** Transitions the host adapter had to force (see `host/era.ts`). */
  forcedTransitions?: readonly { wpId: string; from: string; to: string; reason: string }[];
  interruptedBy: "SIGINT" | "SIGTERM" | null;
  fatal: string | null;
  /** The command that merges the mission, for the next steps. */
  mergeCommand: string;
  /** The run's and the pipelines' budgets, when the engine has them. */
  budget?: RunBudget;
  /** Result of `accept-mission`, when it was requested. */
  acceptance: { ok: true; detail: string } | { ok: false; detail: string } | null;
}

/** One WP's summary line from its run state (with its pipeline's budget when it has one). */
export function wpSummary(state: RunState, wpId: string, lane: Lane | null, budget?: RunBudget): WpSummary {
  const wp = state.wps[wpId];
  const attempts = wp?.attempts ?? [];
  const limits = wp === undefined ? undefined : budget?.pipelines[wp.pipeline];
  const limited = limits !== undefined && (limits.perWpUsd !== null || limits.perWpMs !== null);
  return {
    wp_id: wpId,
    outcome: wp?.outcome?.kind ?? "unfinished",
    reason: wp?.outcome?.reason ?? wp?.last_error ?? "",
    lane,
    attempts: attempts.length,
    review_cycles: wp?.review_cycles ?? 0,
    cost_usd: wp?.cost_usd ?? 0,
    duration_ms: attempts.reduce((sum, a) => sum + (a.duration_ms ?? 0), 0),
    agents: [...new Set(attempts.map((a) => a.agent))],
    wait_ms: (wp?.implement_wait_ms ?? 0) + (wp?.review_wait_ms ?? 0),
    ...(limited && wp !== undefined
      ? {
        budget: {
          per_wp_usd: limits.perWpUsd,
          per_wp_minutes: limits.perWpMs === null ? null : limits.perWpMs / 60_000,
          agent_ms: agentTimeMs(wp),
        },
      }
      : {}),
    ...(wp?.review_votes !== undefined ? { reviews: wp.review_votes.map((v) => ({ ...v })) } : {}),
  };
}

/** Builds the final summary, status and exit code. */
export function buildSummary(input: SummaryInput): RunSummary {
  const { state } = input;
  const ids = [...new Set([...Object.keys(state.wps), ...input.lanes.keys()])].sort();
  const wps = ids.map((id) => wpSummary(state, id, input.lanes.get(id) ?? null, input.budget));
  const allGood = wps.every((w) => w.outcome === "done" || w.outcome === "approved");
  let status: RunSummary["status"];
  let exitCode: number;
  if (input.interruptedBy !== null) {
    status = "interrupted";
    exitCode = input.interruptedBy === "SIGTERM" ? ExitCode.Terminated : ExitCode.Interrupted;
  } else if (input.fatal !== null) {
    status = "failed";
    exitCode = ExitCode.RunFailed;
  } else if (wps.length > 0 && allGood && (input.acceptance === null || input.acceptance.ok)) {
    status = "done";
    exitCode = ExitCode.Ok;
  } else {
    status = "incomplete";
    exitCode = ExitCode.Incomplete;
  }
  return {
    run_id: state.run_id,
    mission: state.mission,
    started_at: state.started_at,
    finished_at: input.finishedAt,
    status,
    exit_code: exitCode,
    wps,
    cost_usd: wps.reduce((sum, w) => sum + w.cost_usd, 0),
    host_calls: input.hostCalls,
    ...(input.hostEra === undefined ? {} : { host_era: input.hostEra }),
    ...(input.forcedTransitions === undefined ? {} : {
      forced_transitions: input.forcedTransitions.map((f) => ({
        wp_id: f.wpId,
        from: f.from,
        to: f.to,
        reason: f.reason,
      })),
    }),
    next_steps: nextSteps(input, wps, status),
    ...(typeof input.budget?.perRunUsd === "number" ? { budget: { per_run_usd: input.budget.perRunUsd } } : {}),
  };
}

function nextSteps(input: SummaryInput, wps: WpSummary[], status: RunSummary["status"]): string[] {
  const steps: string[] = [];
  if (input.fatal !== null) steps.push(`fix the cause: ${input.fatal}`);
  if (status === "interrupted" || status === "failed") {
    steps.push(`continue: ${resumeCommand(input.state.mission)} (or re-run the orchestrate command)`);
    return steps;
  }
  if (wps.length === 0) {
    steps.push(`mission ${input.state.mission} has no work packages; finalize its tasks first`);
    return steps;
  }
  const attention = wps.filter((w) => w.outcome !== "done" && w.outcome !== "approved");
  for (const w of attention) steps.push(`${w.wp_id} ${w.outcome} (lane ${w.lane ?? "unknown"}): ${w.reason}`);
  if (attention.length > 0) {
    // Each command named acts on the WPs it names (see next_steps.ts): never one that does nothing.
    steps.push(...attentionSteps(input.state, attention));
    steps.push("lane branches are NOT merged; merge only once every WP is done");
    return steps;
  }
  if (input.acceptance !== null) {
    steps.push(
      input.acceptance.ok ? `accepted: ${input.acceptance.detail}` : `accept failed: ${input.acceptance.detail}`,
    );
  }
  steps.push(`merge (lane branches are ready but NOT merged): ${input.mergeCommand}`);
  return steps;
}
