/**
 * The `agent` benchmark scenario: what the orchestrator adds around each run of a REAL agent
 * CLI. The pinned Claude Code (`scripts/agent_clis.json`; `--agent-cli codex|opencode` for the
 * others) implements and reviews five one-WP lanes one at a time against the scripted model
 * server on loopback, with the built-in host answering at once (no simulated delay: the host's
 * time is not ours to count), and stamping wrappers around the CLI and around every host call
 * (see `agent_overhead.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { anthropicAdapter } from "../test/support/model_server/anthropic.ts";
import { chatAdapter } from "../test/support/model_server/chat.ts";
import { responsesAdapter } from "../test/support/model_server/responses.ts";
import { startModelServer, type WireAdapter } from "../test/support/model_server/server.ts";
import { claudeSetup } from "../test/support/real_cli/claude.ts";
import { codexSetup } from "../test/support/real_cli/codex.ts";
import { opencodeSetup } from "../test/support/real_cli/opencode.ts";
import { pinned, pinnedBinary, pinnedPath } from "../test/support/real_cli/pinned.ts";
import { git } from "../src/builtin-host/git.ts";
import {
  attemptOverheads,
  type OverheadSplit,
  parseStamps,
  splitOverheads,
  type Stamp,
  stampWrapper,
} from "./agent_overhead.ts";
import { median, num, type ResultRow } from "./metrics.ts";
import { createBenchMission } from "./mission.ts";
import { runOrchestrate } from "./run_cli.ts";
import type { BenchSettings, ScenarioResult } from "./scenarios.ts";

/** The per-attempt target: host call end → CLI start plus CLI exit → next host call. */
export const AGENT_OVERHEAD_TARGET_MS = 100;

/** The real CLIs the scenario can drive. */
export const AGENT_CLIS = ["claude-code", "codex", "opencode"] as const;
/** One of {@link AGENT_CLIS}. */
export type AgentCli = typeof AGENT_CLIS[number];

/** How each CLI is pointed at the model server. */
const REAL: Record<AgentCli, {
  adapter: () => WireAdapter;
  setup: (server: { url: string }, dir: string) => Promise<{ env: Record<string, string> }>;
}> = {
  "claude-code": { adapter: () => anthropicAdapter(), setup: claudeSetup },
  codex: { adapter: () => responsesAdapter, setup: codexSetup },
  opencode: { adapter: () => chatAdapter(), setup: opencodeSetup },
};

/** orchestration.yaml of the scenario: `agent` implements and reviews, one attempt per stage. */
function configYaml(agent: AgentCli): string {
  return `version: 1
host:
  kind: builtin
max_concurrent: 1
defaults:
  timeout: 5m
  stall_timeout: 2m
  retry:
    max_attempts: 1
  max_review_cycles: 1
pipelines:
  default:
    implement:
      agents: [${agent}]
    review:
      agents: [${agent}]
runs:
  retention: 5
`;
}

/** The Deno cache of this process, so our CLI started with the CLI's fresh HOME finds its npm packages. */
function denoDir(): string {
  const env = Deno.env.toObject();
  return env["DENO_DIR"] ?? join(env["XDG_CACHE_HOME"] ?? join(env["HOME"] ?? "/root", ".cache"), "deno");
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/** Median, min and max of `values` as `m ms (min a, max b)`: on a shared machine the min is the uncontended cost. */
function spread(values: readonly number[]): string {
  return values.length === 0
    ? "n/a"
    : `${ms(median(values))} (min ${ms(Math.min(...values))}, max ${ms(Math.max(...values))})`;
}

/** Runs the scenario; see the module doc. */
export async function agentScenario(s: BenchSettings): Promise<ScenarioResult> {
  const agent = s.agentCli;
  const cli = pinned(agent);
  const binary = pinnedBinary(agent);
  // Five one-WP lanes, one at a time: ten attempts, enough for a median on a noisy machine.
  const shape = { chains: 5, chainLength: 1, subtasksPerWp: 1 };
  const root = await createBenchMission(
    join(s.workDir, "agent"),
    shape,
    { implSeconds: 0, reviewSeconds: 0, implOutputBytes: 0, maxConcurrent: 1 },
  );
  await Deno.writeTextFile(join(root, "orchestration.yaml"), configYaml(agent));
  for (const args of [["add", "orchestration.yaml"], ["commit", "-q", "-m", `bench: real ${agent} agents`]]) {
    const r = await git(root, args);
    if (r.code !== 0) {
      throw new Error(`Cannot set up the agent bench repo as 'git ${args.join(" ")}' failed: ${r.stderr}`);
    }
  }
  const aux = join(s.workDir, "agent-aux");
  const wrappers = join(aux, "bin");
  await Deno.mkdir(wrappers, { recursive: true });
  const log = join(aux, "stamps.log");
  await Deno.writeTextFile(join(wrappers, cli.bin), stampWrapper("agent", [binary], log));
  const self = join(aux, "sko-self");
  await Deno.writeTextFile(self, stampWrapper("host", [Deno.execPath(), "run", "--allow-all", s.entry], log));
  for (const path of [join(wrappers, cli.bin), self]) await Deno.chmod(path, 0o755);

  const server = startModelServer({ adapters: [REAL[agent].adapter()] });
  try {
    const setup = await REAL[agent].setup(server, aux);
    const cache = setup.env["XDG_CACHE_HOME"] ?? join(setup.env["HOME"] ?? aux, ".cache");
    await Deno.mkdir(cache, { recursive: true });
    await Deno.symlink(denoDir(), join(cache, "deno")).catch(() => {});
    s.log(`agent: ${cli.package}@${cli.version} implements and reviews ${shape.chains} WPs (${root})`);
    const run = await runOrchestrate(root, {
      entry: s.entry,
      v8Flags: s.v8Flags,
      hostDelayMs: 0,
      maxConcurrent: 1,
      sampleMs: 1000,
      limitMs: 900_000,
      env: {
        ...setup.env,
        PATH: `${wrappers}:${pinnedPath()}`,
        SKO_SELF_COMMAND: JSON.stringify([self]),
      },
    });
    const done = run.summary?.wps.filter((w) => w.outcome === "done").length ?? 0;
    const problem = run.exitCode === 0 && done === shape.chains
      ? null
      : `run exited ${run.exitCode} with ${done}/${shape.chains} WPs done: ${
        run.stderrTail.trim().split("\n").slice(-5).join(" / ")
      }`;
    const stamps: Stamp[] = [
      ...parseStamps(await Deno.readTextFile(log).catch(() => "")),
      ...server.requests.map((r): Stamp => ({ kind: "model_request", at: r.at ?? 0 })),
    ];
    const attempts = attemptOverheads(stamps);
    const totals = attempts.flatMap((a) => a.beforeMs !== null && a.afterMs !== null ? [a.beforeMs + a.afterMs] : []);
    const before = attempts.flatMap((a) => a.beforeMs === null ? [] : [a.beforeMs]);
    const after = attempts.flatMap((a) => a.afterMs === null ? [] : [a.afterMs]);
    const startup = attempts.flatMap((a) => a.cliStartupMs === null ? [] : [a.cliStartupMs]);
    const typical = median(totals);
    const rows: ResultRow[] = [
      {
        metric:
          `Orchestrator overhead per real agent attempt, before + after (${cli.bin} ${cli.version}; target on the median)`,
        measured: spread(totals),
        target: `≤ ${AGENT_OVERHEAD_TARGET_MS} ms`,
        pass: problem === null && totals.length === 2 * shape.chains && typical <= AGENT_OVERHEAD_TARGET_MS,
      },
      { metric: "… host call end → CLI process start", measured: spread(before), target: "—", pass: null },
      { metric: "… CLI exit → next host call start", measured: spread(after), target: "—", pass: null },
      {
        metric: "CLI's own startup (process start → first model request; not ours)",
        measured: spread(startup),
        target: "—",
        pass: null,
      },
    ];
    // Where the time goes, split at the engine's own attempt events (millisecond resolution).
    const eventTimes = (type: string) => run.events.flatMap((e) => e.type === type ? [Date.parse(e.at)] : []);
    const splits = splitOverheads(attempts, eventTimes("attempt_started"), eventTimes("attempt_finished"));
    const part = (pick: (x: OverheadSplit) => number | null) =>
      spread(splits.flatMap((x) => pick(x) === null ? [] : [pick(x) as number]));
    const notes = [
      `agent: split at the engine's attempt events: previous host call → attempt_started ` +
      `${part((x) => x.prepareMs)}; attempt_started → CLI start ${part((x) => x.spawnMs)}; CLI exit → ` +
      `attempt_finished ${part((x) => x.wrapUpMs)}; attempt_finished → next host call ${part((x) => x.nextCallMs)}`,
      `agent: per attempt (prepare/spawn/wrap-up/next call ms): ${
        splits.map((x) => [x.prepareMs, x.spawnMs, x.wrapUpMs, x.nextCallMs].map((v) => num(v ?? Number.NaN)).join("/"))
          .join(", ")
      }`,
      `agent: ${attempts.length} attempts of the real ${cli.package}@${cli.version} against the scripted model ` +
      `server (${server.requests.length} requests); stamps from bash wrappers ($EPOCHREALTIME) around the CLI and ` +
      "around every host call (SKO_SELF_COMMAND); the target is on the median attempt; per attempt (before/after " +
      `ms): ${attempts.map((a) => `${num(a.beforeMs ?? Number.NaN)}/${num(a.afterMs ?? Number.NaN)}`).join(", ")}`,
    ];
    if (problem !== null) notes.push(`agent: RUN PROBLEM: ${problem}`);
    return { rows, notes };
  } finally {
    await server.close();
  }
}
