/**
 * The `scale` benchmark scenario: what the orchestrator itself costs as a mission grows.
 *
 * - 6 WPs (3 chains × 2, `--max-concurrent 3`) with the settings' agents and host delay: peak
 *   RSS of the orchestrator, host calls per WP, wall time over the critical-path lower bound.
 * - 96 WPs (8 chains × 12, `--max-concurrent 8`) with instant agents and an instant built-in
 *   host: peak RSS, wall time, and what the run state cost on disk (writes and bytes, from the
 *   run summary's `state_writes`), which must follow the events, not the mission size.
 *
 * @module
 */
import { callsPerWp, lowerBoundMs, num, type ResultRow, seconds } from "./metrics.ts";
import { chainIds, createBenchMission, type MissionShape } from "./mission.ts";
import { type OrchestrateRun, runOrchestrate } from "./run_cli.ts";
import { agentMsByWp, type BenchSettings, runProblem, type ScenarioResult } from "./scenarios.ts";
import { join } from "node:path";

/** Peak RSS target of the orchestrator at 6 WPs (MB). */
export const SMALL_RSS_TARGET_MB = 60;
/** Peak RSS target of the orchestrator at 96 WPs, K=8 (MB). */
export const LARGE_RSS_TARGET_MB = 70;
/** Bytes written to the run state for the whole 96-WP mission. */
export const LARGE_STATE_BYTES_TARGET = 5_000_000;

function peakMb(run: OrchestrateRun): number | null {
  const kb = run.tree.rootHwmKb ?? run.tree.rootRssKb;
  return kb === null ? null : kb * 1024 / 1e6;
}

async function runShape(
  s: BenchSettings,
  name: string,
  shape: MissionShape,
  opts: { agentSeconds: number; hostDelayMs: number; maxConcurrent: number },
): Promise<{ run: OrchestrateRun; wpCount: number; problem: string | null }> {
  const agent = {
    implSeconds: opts.agentSeconds,
    reviewSeconds: opts.agentSeconds,
    implOutputBytes: 0,
    maxConcurrent: opts.maxConcurrent,
    historyNotes: s.historyNotes,
  };
  const root = await createBenchMission(join(s.workDir, name), shape, agent);
  const wpCount = shape.chains * shape.chainLength;
  s.log(
    `scale: ${wpCount} WPs (${shape.chains} chains × ${shape.chainLength}), K=${opts.maxConcurrent}, ` +
      `agents ${opts.agentSeconds} s, host delay ${opts.hostDelayMs} ms (${root})`,
  );
  const run = await runOrchestrate(root, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: opts.hostDelayMs,
    maxConcurrent: opts.maxConcurrent,
    sampleMs: s.sampleMs,
    limitMs: 3_600_000,
  });
  return { run, wpCount, problem: runProblem(run, wpCount) };
}

function stateWritesText(run: OrchestrateRun, wpCount: number): string {
  const w = run.summary?.state_writes;
  if (w === undefined) return "n/a";
  return `${w.writes} writes (${num(w.writes / wpCount)} per WP, ${num(w.fsyncs)} fsyncs), ` +
    `${num(w.bytes / 1e6)} MB`;
}

/** Runs the 6-WP and the 96-WP mission; see the module doc. */
export async function scaleScenario(s: BenchSettings): Promise<ScenarioResult> {
  const rows: ResultRow[] = [];
  const notes: string[] = [];

  const smallShape = { chains: 3, chainLength: 2, subtasksPerWp: 2 };
  const small = await runShape(s, "scale-6", smallShape, {
    agentSeconds: s.agentSeconds,
    hostDelayMs: s.hostDelayMs,
    maxConcurrent: 3,
  });
  const smallMb = peakMb(small.run);
  const calls = callsPerWp(small.run.summary?.host_calls ?? {}, small.wpCount);
  const byWp = agentMsByWp(small.run.events);
  const lb = lowerBoundMs(chainIds(smallShape).map((ids) => ids.map((id) => byWp.get(id) ?? 0)), s.hostDelayMs);
  const ratio = small.run.wallMs / lb;
  rows.push(
    {
      metric: "Peak RSS of the orchestrator, 6 WPs (3 chains × 2, K=3)",
      measured: smallMb === null ? "n/a" : `${num(smallMb)} MB`,
      target: `≤ ${SMALL_RSS_TARGET_MB} MB`,
      pass: small.problem === null && smallMb !== null && smallMb <= SMALL_RSS_TARGET_MB,
    },
    {
      metric: "Host calls per WP, 6 WPs (mutating + read)",
      measured: num(calls.mutatingPerWp + calls.readPerWp),
      target: "≤ 4.5",
      pass: small.problem === null && calls.mutatingPerWp + calls.readPerWp <= 4.5,
    },
    {
      metric: "Wall time / critical-path lower bound, 6 WPs",
      measured: `${num(ratio)} (${seconds(small.run.wallMs)} / ${seconds(lb)})`,
      target: "≤ 1.15",
      pass: small.problem === null && ratio <= 1.15,
    },
    {
      metric: "Run state writes, 6 WPs",
      measured: stateWritesText(small.run, small.wpCount),
      target: "—",
      pass: null,
    },
  );
  notes.push(
    `scale: 6 WPs, host calls per WP by subcommand: ${calls.bySubcommand.map(([k, v]) => `${k} ${num(v)}`).join(", ")}`,
  );
  if (small.problem !== null) notes.push(`scale (6 WPs): RUN PROBLEM: ${small.problem}`);

  const large = await runShape(s, "scale-96", { chains: 8, chainLength: 12, subtasksPerWp: 1 }, {
    agentSeconds: 0,
    hostDelayMs: 0,
    maxConcurrent: 8,
  });
  const largeMb = peakMb(large.run);
  const writes = large.run.summary?.state_writes;
  rows.push(
    {
      metric: "Peak RSS of the orchestrator, 96 WPs (8 chains × 12, K=8, instant agents and host)",
      measured: largeMb === null ? "n/a" : `${num(largeMb)} MB`,
      target: `≤ ${LARGE_RSS_TARGET_MB} MB`,
      pass: large.problem === null && largeMb !== null && largeMb <= LARGE_RSS_TARGET_MB,
    },
    {
      metric: "Bytes written to the run state, 96 WPs",
      measured: stateWritesText(large.run, large.wpCount),
      target: `≤ ${num(LARGE_STATE_BYTES_TARGET / 1e6)} MB`,
      pass: large.problem === null && writes !== undefined && writes.bytes <= LARGE_STATE_BYTES_TARGET,
    },
    {
      metric: "Wall time, 96 WPs",
      measured: seconds(large.run.wallMs),
      target: "≤ 77 s (before the store)",
      pass: large.problem === null && large.run.wallMs <= 77_000,
    },
  );
  const largeCalls = callsPerWp(large.run.summary?.host_calls ?? {}, large.wpCount);
  notes.push(
    `scale: VmHWM of the orchestrator process only; 96 WPs made ` +
      `${num(largeCalls.mutatingPerWp + largeCalls.readPerWp)} host calls per WP`,
  );
  if (large.problem !== null) notes.push(`scale (96 WPs): RUN PROBLEM: ${large.problem}`);
  return { rows, notes };
}
