/**
 * Runs our CLI as a real subprocess (`deno run --allow-all <entry> …`, the entry being the CLI
 * bundle that the release binary embeds, or src/main.ts), while sampling its process tree.
 * Every child has a time limit and is killed on it (the orchestrator then stops its own agents
 * and host calls).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { RunEvent, RunSummary } from "../src/domain/run_events.ts";
import { BENCH_MISSION } from "./mission.ts";
import { sampleTree, type TreeReport } from "./proc.ts";

/** Absolute path of the CLI's source entry point. */
export const MAIN_TS: string = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/**
 * Runs `entry` twice (`version`, then an `orchestrate` that stops at once on a missing mission)
 * in `cwd`, so that what we measure afterwards meets warm caches: on the first run of a file Deno
 * parses it for its imports and keeps the result (a fresh 1 MB bundle's first run peaked at
 * ~80 MB, its later runs at ~55 MB); a released binary carries that work done.
 */
export async function warmUp(entry: string, cwd: string): Promise<void> {
  for (const args of [["version"], ["orchestrate", "--mission", "000-warm-up", "--no-caffeinate"]]) {
    await runCliOnce(entry, args, cwd, 60_000); // the missing mission fails it: only the load counts
  }
}

/** One finished `orchestrate` run. */
export interface OrchestrateRun {
  /** The orchestrator's pid (the root of the sampled tree). */
  pid: number;
  exitCode: number;
  wallMs: number;
  summary: RunSummary | null;
  events: RunEvent[];
  tree: TreeReport;
  stderrTail: string;
}

/** Parses NDJSON events; lines that are not JSON objects are skipped. */
export function parseEvents(stdout: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // A partial line (killed run): nothing to learn from it.
    }
  }
  return events;
}

/** The final summary: the `run_finished` event's, else a bare summary object on the last line. */
export function summaryOf(events: readonly RunEvent[]): RunSummary | null {
  for (const event of [...events].reverse()) {
    if (event.type === "run_finished") return event.summary;
    const bare = event as unknown as Partial<RunSummary>;
    if (bare.host_calls !== undefined && bare.run_id !== undefined) return bare as RunSummary;
  }
  return null;
}

async function summaryFile(root: string, events: readonly RunEvent[]): Promise<RunSummary | null> {
  const runId = events[0]?.run_id;
  if (runId === undefined) return null;
  try {
    return JSON.parse(await Deno.readTextFile(`${root}/.kittify/runs/${runId}/summary.json`)) as RunSummary;
  } catch {
    return null;
  }
}

function withTimeLimit(child: Deno.ChildProcess, limitMs: number): () => void {
  const timer = setTimeout(() => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  }, limitMs);
  return () => clearTimeout(timer);
}

/**
 * Runs `orchestrate --mission 001-bench --json` in `root` with the built-in host answering after
 * `hostDelayMs`, sampling the tree every `sampleMs` (the agent's subtree is excluded from CPU).
 */
export async function runOrchestrate(root: string, options: {
  /** The script `deno run` runs (the bundle or src/main.ts). */
  entry: string;
  hostDelayMs: number;
  maxConcurrent: number;
  sampleMs: number;
  limitMs: number;
  /** `--v8-flags=…` for the orchestrator process (not its host calls), e.g. `--max-semi-space-size=1`. */
  v8Flags?: string | null;
  /** More environment for the orchestrator (e.g. a real agent CLI's setup, PATH). */
  env?: Record<string, string>;
}): Promise<OrchestrateRun> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      ...(options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : []),
      options.entry,
      "orchestrate",
      "--mission",
      BENCH_MISSION,
      "--json",
      "--no-caffeinate",
      "--max-concurrent",
      String(options.maxConcurrent),
    ],
    cwd: root,
    env: { ...options.env, SKO_HOST_DELAY_MS: String(options.hostDelayMs), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const sampler = sampleTree(child.pid, { intervalMs: options.sampleMs, excludeArgv: "bench-agent.sh" });
  const cancel = withTimeLimit(child, options.limitMs);
  const [out, err, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  cancel();
  const wallMs = performance.now() - started;
  const tree = await sampler.stop();
  const events = parseEvents(out);
  const summary = summaryOf(events) ?? await summaryFile(root, events);
  return { pid: child.pid, exitCode: status.code, wallMs, summary, events, tree, stderrTail: err.slice(-2000) };
}

/** One quiet CLI run of `entry` in `cwd` (stdout dropped): exit code, stderr, wall time. */
async function runCliOnce(
  entry: string,
  args: string[],
  cwd: string,
  limitMs: number,
): Promise<{ code: number; stderr: string; ms: number }> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", entry, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const cancel = withTimeLimit(child, limitMs);
  const [stderr, status] = await Promise.all([new Response(child.stderr).text(), child.status]);
  cancel();
  return { code: status.code, stderr, ms: performance.now() - started };
}

/** Wall time (ms) of one CLI run of `entry` in `cwd`; throws when it exits non-zero. */
export async function timeCli(entry: string, args: string[], cwd: string, limitMs = 60_000): Promise<number> {
  const run = await runCliOnce(entry, args, cwd, limitMs);
  if (run.code !== 0) throw new Error(`'${args.join(" ")}' exited with ${run.code}: ${run.stderr.slice(-500)}`);
  return run.ms;
}
