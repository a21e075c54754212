/**
 * `deno task bench`: the performance benchmark of the orchestrator (not a test; never in CI).
 *
 * Runs our CLI as real subprocesses against the built-in host, which answers each
 * call after `--host-delay-ms` (default 2000, like the real host), with fake agents sleeping
 * `--agent-seconds` (default 10), and prints one Markdown table (metric, measured, target,
 * result) plus the machine it ran on. Progress goes to stderr, the table to stdout. The `agent`
 * scenario drives the real pinned Claude Code (scripts/install_agents.sh) against a scripted
 * model server and measures what the orchestrator adds around each attempt.
 *
 * Options: `--quick` (host delay 200 ms, agents 1 s, 20 s idle window), `--only <scenario>`
 * (calls, idle, startup, rss, agent, scale; repeatable or comma-separated), `--idle-seconds <n>` (60),
 * `--startup-runs <n>` (7), `--agent-cli <id>` (claude-code), `--keep` (keep the temp repositories); for diagnosis,
 * `--no-history-notes` (writes `history_notes: false`) and `--v8-flags <flags>` (orchestrator
 * process only, e.g. `--max-semi-space-size=1`; `none` for V8's defaults). By default the
 * orchestrator runs as the released binary does: the CLI bundle it embeds (scripts/bundle.ts,
 * built into the work folder first; `--from source` runs src/main.ts instead) with the V8 flags it
 * carries (scripts/compile.ts `V8_FLAGS`), after a warm-up run (bench/run_cli.ts `warmUp`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleCli } from "../scripts/bundle.ts";
import { V8_FLAGS } from "../scripts/compile.ts";
import { createTerminal } from "../src/output/terminal.ts";
import { AGENT_CLIS, type AgentCli, agentScenario } from "./agent_scenario.ts";
import { renderMarkdownTable, type ResultRow } from "./metrics.ts";
import { MAIN_TS, warmUp } from "./run_cli.ts";
import { scaleScenario } from "./scale_scenario.ts";
import {
  type BenchSettings,
  callsScenario,
  idleScenario,
  rssScenario,
  type ScenarioName,
  type ScenarioResult,
  SCENARIOS,
  startupScenario,
} from "./scenarios.ts";

const RUNNERS: Record<ScenarioName, (s: BenchSettings) => Promise<ScenarioResult>> = {
  calls: callsScenario,
  idle: idleScenario,
  startup: startupScenario,
  rss: rssScenario,
  agent: agentScenario,
  scale: scaleScenario,
};

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback;
  }
}

/** One line describing this machine: CPUs, model, RAM, OS, Deno, date. */
async function machineLine(): Promise<string> {
  const cpuinfo = await readOr("/proc/cpuinfo", "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown CPU";
  const memKb = Number.parseInt(/^MemTotal:\s*(\d+)/m.exec(await readOr("/proc/meminfo", ""))?.[1] ?? "0", 10);
  const ram = memKb > 0 ? `${(memKb / 1024 / 1024).toFixed(1)} GiB RAM` : "RAM unknown";
  return `Machine: ${navigator.hardwareConcurrency} CPUs (nproc), ${model}, ${ram}, ${Deno.build.os} ` +
    `${Deno.osRelease()}, Deno ${Deno.version.deno}, ${new Date().toISOString().slice(0, 16)}Z`;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0: got ${raw}`);
  return value;
}

function isAgentCli(id: string): id is AgentCli {
  return (AGENT_CLIS as readonly string[]).includes(id);
}

const USAGE = `Usage: deno task bench [options]   (a benchmark, not a test)
  --quick                 200 ms host delay, 1 s agents, 20 s idle window (a one-minute sanity run)
  --only <scenario>       calls, idle, startup, rss, agent, scale (repeatable or comma-separated)
  --host-delay-ms <n>     built-in host delay per call (default 2000)
  --agent-seconds <n>     agent sleep per attempt (default 10)
  --idle-seconds <n>      idle window (default 60)
  --startup-runs <n>      runs of --help and status (default 7)
  --agent-cli <id>        real CLI of the agent scenario: claude-code (default), codex, opencode
  --keep                  keep the benchmark repositories
  --no-history-notes      write history_notes: false
  --v8-flags <flags|none> V8 flags for the orchestrator (default: the release binary's)
  --from <bundle|source>  run the CLI bundle the binary embeds (default) or src/main.ts
`;

async function main(): Promise<number> {
  // JSON mode sends human lines to stderr: progress there, the table alone on stdout.
  const term = createTerminal({ json: true, color: false });
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      "host-delay-ms": { type: "string" },
      "agent-seconds": { type: "string" },
      "idle-seconds": { type: "string" },
      "startup-runs": { type: "string" },
      keep: { type: "boolean", default: false },
      "agent-cli": { type: "string", default: "claude-code" },
      "no-history-notes": { type: "boolean", default: false },
      "v8-flags": { type: "string" },
      from: { type: "string", default: "bundle" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    term.raw(USAGE);
    return 0;
  }
  const quick = values.quick ?? false;
  const only = (values.only ?? []).flatMap((o) => o.split(",")).map((o) => o.trim()).filter((o) => o !== "");
  for (const name of only) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      term.error(`Cannot run scenario '${name}' as it must be one of ${SCENARIOS.join(", ")}`);
      return 2;
    }
  }
  const agentCli = values["agent-cli"] ?? "claude-code";
  if (!isAgentCli(agentCli)) {
    term.error(`Cannot use --agent-cli '${agentCli}' as it must be one of ${AGENT_CLIS.join(", ")}`);
    return 2;
  }
  const from = values.from ?? "bundle";
  if (from !== "bundle" && from !== "source") {
    term.error(`Cannot use --from '${from}' as it must be bundle or source`);
    return 2;
  }
  const workDir = await Deno.realPath(await Deno.makeTempDir({ prefix: "sko-bench-" }));
  const root = fileURLToPath(new URL("..", import.meta.url));
  const entry = from === "source" ? MAIN_TS : `${workDir}/spec-kitty-orchestrator.js`;
  if (from === "bundle") await bundleCli(root, entry);
  await warmUp(entry, workDir);
  const settings: BenchSettings = {
    hostDelayMs: positive("host-delay-ms", values["host-delay-ms"], quick ? 200 : 2000),
    agentSeconds: positive("agent-seconds", values["agent-seconds"], quick ? 1 : 10),
    idleSeconds: Math.max(1, positive("idle-seconds", values["idle-seconds"], quick ? 20 : 60)),
    startupRuns: Math.max(1, Math.floor(positive("startup-runs", values["startup-runs"], quick ? 3 : 7))),
    sampleMs: 100,
    historyNotes: !(values["no-history-notes"] ?? false),
    v8Flags: values["v8-flags"] === "none" ? null : values["v8-flags"] ?? V8_FLAGS.join(","),
    entry,
    from,
    workDir,
    agentCli,
    log: (text) => term.line(text, { stamp: true }),
  };
  const chosen = SCENARIOS.filter((name) => only.length === 0 || only.includes(name));
  term.line(
    `bench: ${chosen.join(", ")}; host delay ${settings.hostDelayMs} ms, agents ${settings.agentSeconds} s` +
      `${quick ? " (quick)" : ""}; repositories under ${workDir}`,
  );
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  try {
    for (const name of chosen) {
      const started = performance.now();
      try {
        const result = await RUNNERS[name](settings);
        rows.push(...result.rows);
        notes.push(...result.notes);
      } catch (error) {
        rows.push({ metric: `${name} scenario`, measured: "error", target: "—", pass: false });
        notes.push(`${name}: ERROR: ${error instanceof Error ? error.message : String(error)}`);
      }
      term.line(`${name}: finished in ${((performance.now() - started) / 1000).toFixed(1)} s`, { stamp: true });
    }
  } finally {
    if (!(values.keep ?? false)) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
  const settingsLine = `Settings: host delay ${settings.hostDelayMs} ms per call, agents ${settings.agentSeconds} s ` +
    `per attempt, idle window ${settings.idleSeconds} s${quick ? " (--quick)" : ""}` +
    (settings.historyNotes ? "" : ", history_notes: false") +
    (from === "bundle" ? ", orchestrator from the CLI bundle" : ", orchestrator from src/main.ts") +
    (settings.v8Flags === null
      ? ", orchestrator with V8's default flags"
      : `, orchestrator --v8-flags=${settings.v8Flags}`);
  term.raw(
    [await machineLine(), settingsLine, "", renderMarkdownTable(rows), "", ...notes.map((n) => `- ${n}`)].join("\n"),
  );
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
