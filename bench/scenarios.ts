/**
 * The four benchmark scenarios of the issue. Each creates its own mission repository in a temp
 * directory, runs the CLI as a subprocess and returns result rows plus notes for the report.
 *
 * @module
 */
import { join } from "node:path";
import type { RunEvent } from "../src/domain/run_events.ts";
import {
  callsPerWp,
  chainGaps,
  LOWER_BOUND_FORMULA,
  lowerBoundMs,
  median,
  MUTATING_CALLS_PER_WP,
  num,
  type ResultRow,
  seconds,
} from "./metrics.ts";
import type { AgentCli } from "./agent_scenario.ts";
import { type AgentBehaviour, chainIds, createBenchMission, type MissionShape } from "./mission.ts";
import { cpuSecondsBetween, hostSubcommand, type SeenProcess, type TreeReport } from "./proc.ts";
import { type OrchestrateRun, runOrchestrate, timeCli } from "./run_cli.ts";

/** Settings of a benchmark run. */
export interface BenchSettings {
  hostDelayMs: number;
  agentSeconds: number;
  idleSeconds: number;
  startupRuns: number;
  sampleMs: number;
  /** Write `history_notes: false` into orchestration.yaml (default: the config default, on). */
  historyNotes: boolean;
  /** `--v8-flags` for the orchestrator process, or null. */
  v8Flags: string | null;
  /** The script the orchestrator runs from: the CLI bundle (what the binary embeds) or src/main.ts. */
  entry: string;
  /** Which of the two {@link BenchSettings.entry} is (`--from`). */
  from: "bundle" | "source";
  /** Parent of the per-scenario repositories. */
  workDir: string;
  /** The real agent CLI the `agent` scenario drives. */
  agentCli: AgentCli;
  /** Progress lines. */
  log(text: string): void;
}

/** What a scenario reports. */
export interface ScenarioResult {
  rows: ResultRow[];
  notes: string[];
}

/**
 * Scenario names, in run order (`agent` lives in agent_scenario.ts: it drives the real Claude
 * Code; `scale` in scale_scenario.ts: a 6-WP and a 96-WP mission).
 */
export const SCENARIOS = ["calls", "idle", "startup", "rss", "agent", "scale"] as const;
/** One scenario name. */
export type ScenarioName = typeof SCENARIOS[number];

async function mission(s: BenchSettings, name: string, shape: MissionShape, agent: AgentBehaviour): Promise<string> {
  return await createBenchMission(join(s.workDir, name), shape, { ...agent, historyNotes: s.historyNotes });
}

/** Why a benchmark run does not count (not exit 0 with every WP done), or null. */
export function runProblem(run: OrchestrateRun, wpCount: number): string | null {
  const done = run.summary?.wps.filter((w) => w.outcome === "done").length ?? 0;
  if (run.exitCode === 0 && done === wpCount) return null;
  return `run exited ${run.exitCode} with ${done}/${wpCount} WPs done: ${
    run.stderrTail.trim().split("\n").slice(-5).join(" / ")
  }`;
}

/** Agent time per WP (all attempts), ms. */
export function agentMsByWp(events: readonly RunEvent[]): Map<string, number> {
  const byWp = new Map<string, number>();
  for (const e of events) {
    if (e.type === "attempt_finished") byWp.set(e.wp_id, (byWp.get(e.wp_id) ?? 0) + e.duration_ms);
  }
  return byWp;
}

/**
 * The orchestrator's host calls: its direct children running `orchestrator-api` (a git process the
 * host forks shows the host's argv until it execs, so grandchildren are not counted).
 */
function hostCalls(tree: TreeReport, rootPid: number): SeenProcess[] {
  return tree.processes.filter((p) => !p.excluded && p.ppid === rootPid && hostSubcommand(p.argv) !== null);
}

/** Host processes by subcommand started in [fromSec, toSec) (seconds since boot). */
function hostCallsIn(tree: TreeReport, rootPid: number, fromSec: number, toSec: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of hostCalls(tree, rootPid)) {
    const sub = hostSubcommand(p.argv);
    if (sub !== null && p.startSec >= fromSec && p.startSec < toSec) out[sub] = (out[sub] ?? 0) + 1;
  }
  return out;
}

/** Mean lifetime of the host processes the sampler saw (ms), null when none. */
function meanHostCallMs(tree: TreeReport, rootPid: number, sampleMs: number): number | null {
  // The last sample is on average half an interval before the exit.
  const lives = hostCalls(tree, rootPid).map((p) => (p.lastSeenSec - p.startSec) * 1000 + sampleMs / 2);
  return lives.length === 0 ? null : lives.reduce((a, b) => a + b, 0) / lives.length;
}

const listCalls = (calls: Record<string, number>) =>
  Object.entries(calls).map(([k, v]) => `${k} ${num(v)}`).join(", ") || "none";

/** 12 WPs in 3 chains of 4, `--max-concurrent 4`: host calls per WP and wall time over the lower bound. */
export async function callsScenario(s: BenchSettings): Promise<ScenarioResult> {
  const shape = { chains: 3, chainLength: 4, subtasksPerWp: 2 };
  const agent = { implSeconds: s.agentSeconds, reviewSeconds: s.agentSeconds, implOutputBytes: 0, maxConcurrent: 4 };
  const root = await mission(s, "calls", shape, agent);
  s.log(`calls: 12 WPs in 3 chains, agents ${s.agentSeconds} s, host delay ${s.hostDelayMs} ms (${root})`);
  const run = await runOrchestrate(root, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: s.hostDelayMs,
    maxConcurrent: 4,
    sampleMs: 100,
    limitMs: 3_600_000,
  });
  const wpCount = shape.chains * shape.chainLength;
  const problem = runProblem(run, wpCount);
  const calls = callsPerWp(run.summary?.host_calls ?? {}, wpCount);
  const byWp = agentMsByWp(run.events);
  const chains = chainIds(shape).map((ids) => ids.map((id) => byWp.get(id) ?? 0));
  const lb = lowerBoundMs(chains, s.hostDelayMs);
  const nominal = shape.chainLength * (2 * s.agentSeconds * 1000 + MUTATING_CALLS_PER_WP * s.hostDelayMs);
  const ratio = run.wallMs / lb;
  const longest = chains.reduce((a, c) => (c.reduce((x, y) => x + y, 0) > a.reduce((x, y) => x + y, 0) ? c : a), []);
  const agentOnChain = longest.reduce((x, y) => x + y, 0);
  const hostCall = meanHostCallMs(run.tree, run.pid, 100) ?? Math.max(1, s.hostDelayMs);
  const rows: ResultRow[] = [
    {
      metric: "Mutating host calls per WP (12 WPs, 3 chains)",
      measured: num(calls.mutatingPerWp),
      target: `≤ ${MUTATING_CALLS_PER_WP}`,
      pass: problem === null && calls.mutatingPerWp <= MUTATING_CALLS_PER_WP,
    },
    {
      metric: "Read host calls per WP",
      measured: num(calls.readPerWp),
      target: "≤ 2",
      pass: problem === null && calls.readPerWp <= 2,
    },
    {
      metric: "Wall time / critical-path lower bound (--max-concurrent 4)",
      measured: `${num(ratio)} (${seconds(run.wallMs)} / ${seconds(lb)})`,
      target: "≤ 1.15",
      pass: problem === null && ratio <= 1.15,
    },
  ];
  const notes = [
    `calls: host calls per WP by subcommand: ${calls.bySubcommand.map(([k, v]) => `${k} ${num(v)}`).join(", ")}`,
    `calls: ${LOWER_BOUND_FORMULA}; nominal chain length × (2 × ${s.agentSeconds} s + 4 × ${s.hostDelayMs} ms) = ` +
    `${seconds(nominal)}`,
    `calls: the longest chain has ${seconds(agentOnChain)} of agent time; the other ` +
    `${seconds(run.wallMs - agentOnChain)} of wall time (${seconds((run.wallMs - agentOnChain) / shape.chainLength)} ` +
    `per WP) is ≈ ${num((run.wallMs - agentOnChain) / hostCall)} host calls' worth at the measured ` +
    `${seconds(hostCall)} per call (delay + process start)`,
  ];
  const gaps = chainGaps(run.events, chainIds(shape)[chains.indexOf(longest)] ?? []);
  notes.push(
    `calls: mean gaps on the longest chain (host call ≈ ${seconds(hostCall)}): ` +
      Object.entries(gaps).map(([k, v]) => `${k} ${Number.isFinite(v) ? seconds(v) : "n/a"}`).join("; "),
  );
  if (problem !== null) notes.push(`calls: RUN PROBLEM: ${problem}`);
  return { rows, notes };
}

/** One agent working for `idleSeconds`: host calls and CPU of orchestrator + host processes meanwhile. */
export async function idleScenario(s: BenchSettings): Promise<ScenarioResult> {
  const shape = { chains: 1, chainLength: 1, subtasksPerWp: 1 };
  const agent = { implSeconds: s.idleSeconds + 4, reviewSeconds: 0, implOutputBytes: 0, maxConcurrent: 1 };
  const root = await mission(s, "idle", shape, agent);
  s.log(`idle: one agent working ${agent.implSeconds} s, window ${s.idleSeconds} s (${root})`);
  const run = await runOrchestrate(root, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: s.hostDelayMs,
    maxConcurrent: 1,
    sampleMs: 100,
    limitMs: 1_800_000,
  });
  const problem = runProblem(run, 1);
  const impl = run.tree.processes.find((p) =>
    p.argv.some((a) => a.endsWith("bench-agent.sh")) && p.argv.includes("implement")
  );
  if (impl === undefined) {
    return {
      rows: [{ metric: `Host calls per 30 s while one agent works`, measured: "n/a", target: "≤ 1", pass: false }],
      notes: [`idle: the implementing agent was never seen${problem === null ? "" : `; ${problem}`}`],
    };
  }
  const from = impl.startSec + 1;
  const to = from + s.idleSeconds;
  const calls = hostCallsIn(run.tree, run.pid, from, to);
  const count = Object.values(calls).reduce((a, b) => a + b, 0);
  const per30 = count * 30 / s.idleSeconds;
  const cpu = cpuSecondsBetween(run.tree.cpu, from, to);
  const seen = hostCalls(run.tree, run.pid).length;
  const total = Object.values(run.summary?.host_calls ?? {}).reduce((a, b) => a + b, 0);
  const rows: ResultRow[] = [
    {
      metric: `Host calls per 30 s while one agent works (${s.idleSeconds} s window)`,
      measured: `${num(per30)} (${count} in ${s.idleSeconds} s)`,
      target: "≤ 1",
      pass: problem === null && per30 <= 1,
    },
    {
      metric: `CPU of orchestrator + host processes in that window`,
      measured: cpu === null ? "n/a" : `${num(cpu)} s`,
      target: "—",
      pass: null,
    },
  ];
  const notes = [
    `idle: calls in the window: ${listCalls(calls)}; the sampler saw ${seen} of the run's ${total} host calls`,
  ];
  if (problem !== null) notes.push(`idle: RUN PROBLEM: ${problem}`);
  return { rows, notes };
}

/** Median wall time of `--help` and `status` under `deno run` (bundle or source). */
export async function startupScenario(s: BenchSettings): Promise<ScenarioResult> {
  const shape = { chains: 1, chainLength: 1, subtasksPerWp: 1 };
  const root = await mission(s, "startup", shape, {
    implSeconds: 0,
    reviewSeconds: 0,
    implOutputBytes: 0,
    maxConcurrent: 1,
  });
  s.log(`startup: one quick run for a run state, then ${s.startupRuns} runs each of --help and status (${root})`);
  const run = await runOrchestrate(root, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: 0,
    maxConcurrent: 1,
    sampleMs: 1000,
    limitMs: 300_000,
  });
  const problem = runProblem(run, 1);
  const measure = async (args: string[]) => {
    await timeCli(s.entry, args, root); // warm-up: fills Deno's transpile cache
    const times: number[] = [];
    for (let i = 0; i < s.startupRuns; i++) times.push(await timeCli(s.entry, args, root));
    return median(times);
  };
  const help = await measure(["--help"]);
  const status = await measure(["status"]);
  const how = s.from === "bundle" ? "bundle" : "from source";
  const rows: ResultRow[] = [
    { metric: `Startup: \`--help\` (median, ${how})`, measured: `${Math.round(help)} ms`, target: "—", pass: null },
    {
      metric: `Startup: \`status\` (median, ${how}, incl. one host call)`,
      measured: `${Math.round(status)} ms`,
      target: "—",
      pass: null,
    },
  ];
  const notes = [
    `startup: median of ${s.startupRuns} runs after one warm-up; \`deno run\` ${how} (a compiled binary starts ` +
    "faster); `status` reads the lanes with one built-in host call (no simulated delay)",
  ];
  if (problem !== null) notes.push(`startup: RUN PROBLEM (setup run): ${problem}`);
  return { rows, notes };
}

/** Peak RSS of the orchestrator while 4 agents each write 200 MB to stdout. */
export async function rssScenario(s: BenchSettings): Promise<ScenarioResult> {
  const shape = { chains: 4, chainLength: 1, subtasksPerWp: 1 };
  const bytes = 200_000_000;
  const agent = { implSeconds: 1, reviewSeconds: 0, implOutputBytes: bytes, maxConcurrent: 4 };
  const root = await mission(s, "rss", shape, agent);
  s.log(`rss: 4 agents each writing ${bytes / 1e6} MB of output (${root})`);
  const run = await runOrchestrate(root, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: s.hostDelayMs,
    maxConcurrent: 4,
    sampleMs: 100,
    limitMs: 1_800_000,
  });
  const problem = runProblem(run, 4);
  const kb = run.tree.rootHwmKb ?? run.tree.rootRssKb;
  const mb = kb === null ? null : kb * 1024 / 1e6;
  const rows: ResultRow[] = [{
    metric: "Peak RSS of the orchestrator, 4 agents × 200 MB output",
    measured: mb === null ? "n/a" : `${num(mb)} MB`,
    target: "< 120 MB",
    pass: problem === null && mb !== null && mb < 120,
  }];
  const impls = run.events.filter((e) => e.type === "attempt_finished" && e.role === "implement");
  // The same run without output: how much of the peak is the runtime itself.
  const quiet = await mission(s, "rss-baseline", shape, { ...agent, implOutputBytes: 0 });
  const base = await runOrchestrate(quiet, {
    entry: s.entry,
    v8Flags: s.v8Flags,
    hostDelayMs: s.hostDelayMs,
    maxConcurrent: 4,
    sampleMs: 100,
    limitMs: 1_800_000,
  });
  const baseMb = (base.tree.rootHwmKb ?? base.tree.rootRssKb ?? 0) * 1024 / 1e6;
  const notes = [
    `rss: VmHWM of the orchestrator process (host and agent processes not included); ` +
    `${impls.length} implement attempts finished; the same run without output peaks at ${num(baseMb)} MB` +
    (runProblem(base, 4) === null ? "" : " (that run had problems)"),
  ];
  if (problem !== null) notes.push(`rss: RUN PROBLEM: ${problem}`);
  return { rows, notes };
}
