/**
 * A readable summary of a {@link ResolvedConfig} (pure): what `validate` prints and what a
 * dry run can show, so users see what their file and flags resolve to.
 *
 * @module
 */
import { usd } from "../core/budget.ts";
import { formatDuration } from "../core/duration.ts";
import type { ResolvedConfig, RetryPolicy, StageConfig, WpBudget } from "../domain/config.ts";

/** `$1.50 and 30m per WP`, or null without limits. */
function wpBudgetText(budget: WpBudget | undefined): string | null {
  const parts = [
    typeof budget?.perWpUsd === "number" ? usd(budget.perWpUsd) : "",
    typeof budget?.perWpMs === "number" ? `${formatDuration(budget.perWpMs)} of agent time` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? null : `${parts.join(" and ")} per WP`;
}

/** Formats bytes with the largest binary unit that divides them (`52428800` → `50MiB`). */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}

function budgetText(retry: RetryPolicy): string {
  return `rate limits waited out up to ${formatDuration(retry.rateLimitBudgetMs)} per WP`;
}

function retryText(retry: RetryPolicy): string {
  const attempts = `${retry.maxAttempts} attempt${retry.maxAttempts === 1 ? "" : "s"} per agent`;
  if (retry.maxAttempts === 1) return `${attempts}; ${budgetText(retry)}`;
  const wait = `wait ${formatDuration(retry.initialIntervalMs)} x${retry.backoffCoefficient} up to ` +
    `${formatDuration(retry.maximumIntervalMs)}${retry.jitter ? " (jittered)" : ""}`;
  const skip = retry.nonRetryable.length > 0 ? `; no retry on ${retry.nonRetryable.join(", ")}` : "";
  return `${attempts}, ${wait}${skip}; ${budgetText(retry)}`;
}

function stageLines(role: string, stage: StageConfig): string[] {
  const c = stage.consensus;
  const agents = c === undefined
    ? stage.agents.join(" -> ")
    : `${stage.agents.join(" + ")} (consensus: ${c.require} must approve, ${
      c.parallel ? "at once" : "one after another"
    })`;
  return [
    `    ${role.padEnd(10)}${agents}`,
    `    ${"".padEnd(10)}timeout ${formatDuration(stage.timeoutMs)}, stall ${formatDuration(stage.stallTimeoutMs)}; ` +
    retryText(stage.retry),
  ];
}

/** The summary, one string per line (no colour). */
export function describeConfig(config: ResolvedConfig): string[] {
  const h = config.host;
  const p = config.policy;
  const lines = [
    `source          ${config.source ?? "none found: built-in defaults"}`,
    `host            ${h.kind}${h.kind === "spec-kitty" ? ` (runs: ${h.command.join(" ")})` : ""}; call timeout ` +
    `${formatDuration(h.timeoutMs)}, heartbeat ${formatDuration(h.heartbeatMs)}`,
    `actor           ${config.actor}`,
    `max_concurrent  ${config.maxConcurrent}`,
    `accept          ${config.accept ? "yes (accept-mission when all WPs are done)" : "no"}`,
    `history notes   ${config.historyNotes ? "yes (best-effort append-history)" : "no"}`,
    `policy          approval ${p.approvalMode}, sandbox ${p.sandboxMode}, network ${p.networkMode}, ` +
    `tools ${p.toolRestrictions ?? "unrestricted"}`,
    `logs            ${formatBytes(config.logMaxBytes)} per attempt; keep ${config.runsRetention} runs`,
    `budget          ${
      typeof config.budget?.perRunUsd === "number" ? `${usd(config.budget.perRunUsd)} per run` : "no run limit"
    } (hard stop)`,
    "",
    "pipelines",
  ];
  for (const pipeline of Object.values(config.pipelines)) {
    const mark = pipeline.name === config.defaultPipeline ? " (default)" : "";
    const budget = wpBudgetText(pipeline.budget);
    lines.push(
      `  ${pipeline.name}${mark}: up to ${pipeline.maxReviewCycles} review cycles` +
        (budget === null ? "" : `; budget ${budget}`),
    );
    lines.push(...stageLines("implement", pipeline.implement), ...stageLines("review", pipeline.review));
  }
  lines.push("", "selectors (first match wins, else the default pipeline)");
  if (config.selectors.length === 0) lines.push("  none: every WP uses " + config.defaultPipeline);
  config.selectors.forEach((s, i) => {
    const match = [s.wp !== undefined ? `wp ${s.wp}` : "", s.tag !== undefined ? `tag ${s.tag}` : ""]
      .filter((x) => x !== "").join(" and ");
    lines.push(`  ${i + 1}. ${match} -> ${s.pipeline}`);
  });
  const agents = Object.values(config.agents);
  if (agents.length > 0) {
    lines.push("", "custom agents");
    for (const a of agents) {
      lines.push(`  ${a.id}: ${JSON.stringify(a.command)}`);
      if (a.reviewCommand !== undefined) lines.push(`    review: ${JSON.stringify(a.reviewCommand)}`);
      const env = a.passEnv.length > 0 ? a.passEnv.join(", ") : "none";
      lines.push(`    prompt via ${a.prompt}, output ${a.output}, family ${a.family}, passes env: ${env}`);
    }
  }
  if (config.notify.length > 0) {
    lines.push("", "notify");
    for (const n of config.notify) {
      lines.push(
        `  ${n.kind} via $${n.urlEnv}: ${n.events.join(", ")} (timeout ${formatDuration(n.timeoutMs)}, ` +
          `${n.retries} retries)`,
      );
    }
  }
  return lines;
}
