/**
 * `orchestrate --dry-run`: everything a real run would check first (config, contract, the
 * mission, agents installed) and the plan it would follow, with no mutation, no lock and no
 * state written. Only read-only host calls are made (`mission-state`, `resolve-workspace`).
 *
 * @module
 */
import { eraProfile } from "../host/era.ts";
import { contractEra } from "../host/negotiate.ts";
import type { PipelineConfig } from "../domain/config.ts";
import { errorMessage } from "../domain/errors.ts";
import type { ContractInfo, Host, Lane, PolicyMetadata } from "../domain/host.ts";
import type { Terminal } from "../output/terminal.ts";

/** One WP of the plan. */
export interface PlannedWp {
  wpId: string;
  lane: Lane | null;
  dependencies: string[];
  laneId: string | null;
  pipeline: string;
  implement: string[];
  review: string[];
  /** Consensus rule of the review panel (`review.require`), when the reviewers are a panel. */
  reviewRequire?: string;
  maxReviewCycles: number;
  /** What would happen to it (start, adopt for review, nothing...). */
  action: string;
}

/** The dry-run report. */
export interface DryRunPlan {
  mission: string;
  hostKind: string;
  contract: ContractInfo;
  policy: PolicyMetadata;
  maxConcurrent: number;
  /** WPs in dependency order (ties by id). */
  wps: PlannedWp[];
  agents: { id: string; installed: boolean; detail: string }[];
  /** Problems that would stop or hurt a real run; non-empty means exit 2. */
  problems: string[];
}

/** Inputs of {@link planDryRun}. */
export interface DryRunInput {
  host: Host;
  mission: string;
  contract: ContractInfo;
  policy: PolicyMetadata;
  maxConcurrent: number;
  pipelineFor: (wpId: string, wpMarkdown: string | null) => PipelineConfig;
  readText(path: string): Promise<string>;
  agentInstalled(id: string): Promise<{ installed: boolean; detail: string }>;
}

/** Orders WPs so dependencies come first (Kahn; ties by id); the rest (cycles) are appended. */
export function dependencyOrder(wps: readonly { wpId: string; dependencies: readonly string[] }[]): {
  order: string[];
  cyclic: string[];
} {
  const ids = new Set(wps.map((w) => w.wpId));
  const pending = new Map(wps.map((w) => [w.wpId, new Set(w.dependencies.filter((d) => ids.has(d)))]));
  const order: string[] = [];
  while (true) {
    const ready = [...pending.entries()].filter(([, deps]) => deps.size === 0).map(([id]) => id).sort();
    if (ready.length === 0) break;
    for (const id of ready) {
      order.push(id);
      pending.delete(id);
      for (const deps of pending.values()) deps.delete(id);
    }
  }
  const cyclic = [...pending.keys()].sort();
  return { order: [...order, ...cyclic], cyclic };
}

/** What the run would do with a WP in `lane`; `depsDone` says whether its dependencies are approved/done. */
export function actionFor(lane: Lane | null, depsDone = false): string {
  switch (lane ?? "planned") {
    case "planned":
      return depsDone ? "implement now" : "implement when its dependencies are approved/done";
    case "claimed":
    case "in_progress":
      return "adopt: re-claim and implement";
    case "for_review":
      return "adopt: review";
    case "in_review":
      return "review again if this orchestrator started it (resume), else leave it";
    case "approved":
    case "done":
      return "nothing (already approved/done)";
    default:
      return `nothing (lane ${lane})`;
  }
}

/** Builds the plan; throws only for host errors that make the mission unusable. */
export async function planDryRun(input: DryRunInput): Promise<DryRunPlan> {
  const ms = await input.host.missionState(input.mission);
  const problems: string[] = [];
  const { order, cyclic } = dependencyOrder(ms.workPackages);
  if (cyclic.length > 0) problems.push(`dependency cycle among ${cyclic.join(", ")}`);
  const byId = new Map(ms.workPackages.map((w) => [w.wpId, w]));
  const agentIds = new Set<string>();
  const wps: PlannedWp[] = [];
  for (const id of order) {
    const wp = byId.get(id)!;
    let laneId: string | null = null;
    let markdown: string | null = null;
    try {
      const ws = await input.host.resolveWorkspace(input.mission, id);
      laneId = ws.laneId ?? null;
      markdown = await input.readText(ws.promptPath).catch(() => null);
    } catch (error) {
      problems.push(`${id}: resolve-workspace failed: ${errorMessage(error)}`);
    }
    const pipeline = input.pipelineFor(id, markdown);
    for (const a of [...pipeline.implement.agents, ...pipeline.review.agents]) agentIds.add(a);
    const missing = wp.dependencies.filter((d) => !byId.has(d));
    if (missing.length > 0) problems.push(`${id}: depends on unknown WP(s) ${missing.join(", ")}`);
    wps.push({
      wpId: id,
      lane: wp.lane,
      dependencies: [...wp.dependencies],
      laneId,
      pipeline: pipeline.name,
      implement: [...pipeline.implement.agents],
      review: [...pipeline.review.agents],
      ...(pipeline.review.consensus !== undefined ? { reviewRequire: pipeline.review.consensus.require } : {}),
      maxReviewCycles: pipeline.maxReviewCycles,
      action: actionFor(
        wp.lane,
        wp.dependencies.every((d) => byId.get(d)?.lane === "approved" || byId.get(d)?.lane === "done"),
      ),
    });
  }
  const agents = [];
  for (const id of [...agentIds].sort()) {
    const check = await input.agentInstalled(id);
    agents.push({ id, ...check });
    if (!check.installed) problems.push(`agent ${id} is not installed: ${check.detail}`);
  }
  if (ms.workPackages.length === 0) problems.push(`mission ${input.mission} has no work packages`);
  return {
    mission: input.mission,
    hostKind: input.host.kind,
    contract: input.contract,
    policy: input.policy,
    maxConcurrent: input.maxConcurrent,
    wps,
    agents,
    problems,
  };
}

/** Prints the plan (or emits it as JSON). */
export function printDryRun(plan: DryRunPlan, term: Terminal): void {
  if (term.json) {
    const era = eraProfile(contractEra(plan.contract));
    term.printJson({
      dry_run: true,
      ...plan,
      host_era: { id: era.id, label: era.label, releases: era.releases, degradations: era.degradations },
      ok: plan.problems.length === 0,
    });
    return;
  }
  term.line(`Dry run for mission ${plan.mission}: nothing will be changed.`);
  const era = eraProfile(contractEra(plan.contract));
  term.line(
    `Host: ${plan.hostKind} (contract ${plan.contract.apiVersion}, ${era.label}, ${era.releases}); ` +
      `max ${plan.maxConcurrent} WP(s) in flight; ` +
      `policy agent_family=${plan.policy.agent_family}, dangerous_flags=[${plan.policy.dangerous_flags.join(", ")}]`,
  );
  if (era.degradations.length > 0) {
    term.line(`On this host era (${era.id}) the run degrades (see docs/hosts.md):`);
    for (const d of era.degradations) term.line(`  - ${d}`);
  }
  const table = term.table(
    ["WP", "LANE", "DEPENDS ON", "LANE ID", "PIPELINE", "IMPLEMENT", "REVIEW", "CYCLES", "ACTION"],
    plan.wps.map((w) => [
      w.wpId,
      w.lane ?? "planned",
      w.dependencies.join(",") || "-",
      w.laneId ?? "-",
      w.pipeline,
      w.implement.join(" > "),
      w.reviewRequire === undefined ? w.review.join(" > ") : `${w.review.join(" + ")} (${w.reviewRequire})`,
      String(w.maxReviewCycles),
      w.action,
    ]),
  );
  for (const line of table.split("\n")) term.line(line);
  term.line("Agents: " + plan.agents.map((a) => `${a.id} ${a.installed ? "ok" : "MISSING"} (${a.detail})`).join("; "));
  if (plan.problems.length === 0) term.line("Dry run OK.");
  else for (const p of plan.problems) term.error(p);
}
