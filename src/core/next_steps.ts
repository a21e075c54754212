/**
 * The next steps of a run that left WPs behind: for each, the exact command (or manual fix and
 * then the command) that will act on it, never one that would do nothing. Pure; decided on the
 * typed stop cause and outcome recorded in the run state, never on reason prose.
 *
 * What each command does to a WP (see `cli/resume.ts` and `core/unblock.ts`): `resume` (and
 * the plain `orchestrate` command, which continues an unfinished run) retries failed and skipped
 * WPs and WPs this orchestrator blocked for an agent configuration error; a WP blocked by a
 * person or by review rejections is retried only with `--retry-blocked`.
 *
 * @module
 */
import { shellJoin } from "./shell_quote.ts";
import type { WpSummary } from "../domain/run_events.ts";
import { transientLabel } from "./lifecycle_rules.ts";
import type { RunState, WpStopCause } from "../domain/run_state.ts";
import { shownTime, usd } from "./budget.ts";
import { PRODUCT } from "../domain/version.ts";

/** `resume --mission <m>` (the mission is named: with several missions a bare resume must ask). */
export function resumeCommand(mission: string, retryBlocked = false): string {
  return shellJoin([PRODUCT, "resume", "--mission", mission, ...(retryBlocked ? ["--retry-blocked"] : [])]);
}

/** The configuration file the run used, for steps that say what to change in it. */
function configName(state: RunState): string {
  return state.flags.config ?? "orchestration.yaml";
}

/**
 * Steps for the WPs that are not done or approved, after their one-line reasons: per-WP manual
 * fixes first, then one line per command that will act, naming the WPs it acts on.
 */
export function attentionSteps(state: RunState, attention: readonly WpSummary[]): string[] {
  const steps: string[] = [];
  const rerun: string[] = [];
  const needsPerson: string[] = [];
  const skipped: string[] = [];
  const runBudget: string[] = [];
  let runStop: Extract<WpStopCause, { kind: "budget" }> | null = null;
  for (const w of attention) {
    const cause = state.wps[w.wp_id]?.stop_cause ?? null;
    if (cause?.kind === "agent_config") {
      steps.push(
        `${w.wp_id}: fix ${cause.agent} (${cause.failure_class.replaceAll("_", " ")}: ${cause.message}); ` +
          `re-running then retries it`,
      );
      rerun.push(w.wp_id);
    } else if (cause?.kind === "agent_transient") {
      steps.push(
        `${w.wp_id}: ${cause.agent} stayed ${transientLabel(cause.failure_class)} past the rate_limit_budget; ` +
          "re-running later retries it with a fresh budget (or raise retry.rate_limit_budget)",
      );
      rerun.push(w.wp_id);
    } else if (cause?.kind === "budget" && cause.limit === "per_run_usd") {
      runBudget.push(w.wp_id);
      runStop = cause;
    } else if (cause?.kind === "budget") {
      const spent = cause.limit === "per_wp_usd" ? `spent ${usd(cause.spent)}` : `used ${shownTime(cause.spent)}`;
      const limit = cause.limit === "per_wp_usd" ? usd(cause.value) : `${cause.value / 60_000}`;
      steps.push(
        `${w.wp_id}: stopped by its budget (${spent}, budget.${cause.limit} is ${limit}); raise ` +
          `budget.${cause.limit} (defaults or its pipeline) in ${configName(state)} to go on`,
      );
      needsPerson.push(w.wp_id);
    } else if (cause?.kind === "wrong_branch") {
      const checkout = cause.branch === null
        ? `check out the WP's branch in ${cause.workspace}`
        : `put the worktree back on its branch: ${shellJoin(["git", "-C", cause.workspace, "checkout", cause.branch])}`;
      steps.push(`${w.wp_id}: ${checkout} (commit or stash what is there first)`);
      rerun.push(w.wp_id);
    } else if (cause?.kind === "lane_allocation") {
      const where = cause.workspace === null
        ? "the lane worktree named in the reason"
        : shellJoin(["git", "-C", cause.workspace, "status"]);
      steps.push(
        `${w.wp_id}: the host could not allocate its lane worktree; inspect ${where}, commit, stash or ` +
          "remove what is left there (a concurrent allocation needs nothing)",
      );
      rerun.push(w.wp_id);
    } else if (w.outcome === "blocked") {
      needsPerson.push(w.wp_id);
    } else if (w.outcome === "skipped") {
      // Nothing to fix on a skipped WP itself: it runs once what it waits on can finish.
      skipped.push(w.wp_id);
    } else if (w.outcome === "failed" || w.outcome === "unfinished") {
      rerun.push(w.wp_id);
    }
  }
  if (runStop !== null) {
    steps.push(
      `${runBudget.join(", ")} not started (lane planned): the run spent ${usd(runStop.spent)} of its ` +
        `budget.per_run_usd ${usd(runStop.value)}; raise defaults.budget.per_run_usd in ${configName(state)}, ` +
        `then continue: ${resumeCommand(state.mission)} (or re-run the orchestrate command)`,
    );
  }
  if (rerun.length > 0) {
    steps.push(`then retry ${rerun.join(", ")}: ${resumeCommand(state.mission)} (or re-run the orchestrate command)`);
  }
  if (skipped.length > 0) {
    steps.push(
      `${skipped.join(", ")} skipped: taken up again by the command that retries what ` +
        `${skipped.length === 1 ? "it waits" : "they wait"} on (see the reason), once that can finish`,
    );
  }
  if (needsPerson.length > 0) {
    steps.push(
      `${needsPerson.join(", ")} blocked: resolve what the reason says (a plain re-run leaves these alone), ` +
        `then retry with: ${resumeCommand(state.mission, true)}`,
    );
  }
  return steps;
}
