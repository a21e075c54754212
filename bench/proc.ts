/**
 * Linux `/proc` readings for the benchmark: pure parsers of `/proc/<pid>/stat`,
 * `/proc/<pid>/status` and `/proc/<pid>/cmdline`, and a sampler that watches a process tree
 * (CPU ticks, start times, command lines, the root's peak RSS) until it is stopped.
 *
 * @module
 */
import { splitProcStat } from "../src/proc/procfs.ts";

/** The fields of `/proc/<pid>/stat` the benchmark uses (times in clock ticks). */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** CPU of waited-for (reaped) children, recursively. */
  cutime: number;
  cstime: number;
  /** Start time in ticks since boot. */
  starttime: number;
}

/** Parses one `/proc/<pid>/stat` line (split by src/proc/procfs.ts); null for text that is not one. */
export function parseStat(text: string): ProcStat | null {
  const split = splitProcStat(text);
  if (split === null) return null;
  const { pid, comm, rest } = split;
  const field = (n: number) => Number.parseInt(rest[n - 3] ?? "", 10);
  const stat = {
    pid,
    comm,
    state: rest[0] ?? "?",
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
  };
  const numbers = [stat.pid, stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.starttime];
  return numbers.every(Number.isFinite) ? stat : null;
}

/** A `kB` field of `/proc/<pid>/status` (e.g. `VmRSS`, `VmHWM`) in kB, or null when absent. */
export function parseStatusKb(text: string, key: string): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${key}:`)) continue;
    const match = /^\S+:\s*(\d+)\s*kB/.exec(line);
    return match?.[1] === undefined ? null : Number.parseInt(match[1], 10);
  }
  return null;
}

/** `/proc/<pid>/cmdline` (NUL-separated) as argv. */
export function parseCmdline(text: string): string[] {
  return text.split("\0").filter((s) => s !== "");
}

/** The `orchestrator-api` subcommand of a host process argv, or null when it is not one. */
export function hostSubcommand(argv: readonly string[]): string | null {
  const i = argv.indexOf("orchestrator-api");
  return i < 0 ? null : argv[i + 1] ?? null;
}

/** Seconds since boot, the first field of `/proc/uptime`. */
export function parseUptime(text: string): number {
  return Number.parseFloat(text.trim().split(/\s+/)[0] ?? "NaN");
}

/** Clock ticks per second (`getconf CLK_TCK`); 100 on every mainstream Linux. */
export const CLK_TCK = 100;

/** What the sampler saw of one process. */
export interface SeenProcess {
  pid: number;
  ppid: number;
  argv: string[];
  /** Start, seconds since boot. */
  startSec: number;
  /** Last sample of utime+stime, ticks. */
  ticks: number;
  firstSeenSec: number;
  lastSeenSec: number;
  /** True when the process or one of its ancestors (below the root) matched `excludeArgv`. */
  excluded: boolean;
}

/** One CPU reading of the tree: seconds since boot → counted CPU ticks so far. */
export interface CpuPoint {
  atSec: number;
  ticks: number;
}

/** Everything the sampler collected. */
export interface TreeReport {
  processes: SeenProcess[];
  cpu: CpuPoint[];
  /** Peak `VmHWM` of the root process (kB), null when never read. */
  rootHwmKb: number | null;
  /** Peak sampled `VmRSS` of the root (kB). */
  rootRssKb: number | null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

async function allStats(): Promise<ProcStat[]> {
  const out: ProcStat[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const text = await readText(`/proc/${entry.name}/stat`);
    const stat = text === null ? null : parseStat(text);
    if (stat !== null) out.push(stat);
  }
  return out;
}

/**
 * Samples the process tree under `rootPid` every `intervalMs` until `stop()` is called.
 *
 * Counted CPU = the root's own and reaped children's time (utime+stime+cutime+cstime) plus the
 * live descendants' own time, minus any process whose argv (or an ancestor's) contains
 * `excludeArgv` (the agent, whose CPU is not ours). A process reaped between samples still
 * counts through the root's cutime.
 */
export function sampleTree(
  rootPid: number,
  options: { intervalMs: number; excludeArgv?: string },
): { stop(): Promise<TreeReport> } {
  const seen = new Map<number, SeenProcess>();
  const cpu: CpuPoint[] = [];
  let hwm: number | null = null;
  let rss: number | null = null;
  let stopped = false;
  let rootArgv: string | null = null;
  const once = async () => {
    const now = parseUptime((await readText("/proc/uptime")) ?? "");
    const stats = await allStats();
    const byParent = new Map<number, ProcStat[]>();
    for (const s of stats) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
    const root = stats.find((s) => s.pid === rootPid);
    if (root === undefined) return;
    rootArgv ??= await readText(`/proc/${rootPid}/cmdline`);
    const status = await readText(`/proc/${rootPid}/status`);
    if (status !== null) {
      const h = parseStatusKb(status, "VmHWM");
      const r = parseStatusKb(status, "VmRSS");
      if (h !== null) hwm = Math.max(hwm ?? 0, h);
      if (r !== null) rss = Math.max(rss ?? 0, r);
    }
    let ticks = root.utime + root.stime + root.cutime + root.cstime;
    const walk = async (parent: number, excludedAbove: boolean) => {
      for (const child of byParent.get(parent) ?? []) {
        let known = seen.get(child.pid);
        if (known !== undefined && known.argv.join("\0") + "\0" === rootArgv) {
          // First seen between fork and exec (still the root's argv): read it again.
          known.argv = parseCmdline((await readText(`/proc/${child.pid}/cmdline`)) ?? "");
        }
        if (known === undefined) {
          const argv = parseCmdline((await readText(`/proc/${child.pid}/cmdline`)) ?? "");
          const hit = options.excludeArgv !== undefined && argv.some((a) => a.includes(options.excludeArgv ?? ""));
          known = {
            pid: child.pid,
            ppid: child.ppid,
            argv,
            startSec: child.starttime / CLK_TCK,
            ticks: 0,
            firstSeenSec: now,
            lastSeenSec: now,
            excluded: excludedAbove || hit,
          };
          seen.set(child.pid, known);
        }
        known.ticks = child.utime + child.stime;
        known.lastSeenSec = now;
        if (!known.excluded) ticks += known.ticks;
        await walk(child.pid, known.excluded);
      }
    };
    await walk(rootPid, false);
    cpu.push({ atSec: now, ticks });
  };
  const loop = (async () => {
    while (!stopped) {
      await once().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { processes: [...seen.values()], cpu, rootHwmKb: hwm, rootRssKb: rss };
    },
  };
}

/** CPU seconds counted between two instants (seconds since boot), from the nearest samples. */
export function cpuSecondsBetween(points: readonly CpuPoint[], fromSec: number, toSec: number): number | null {
  const atOrBefore = (t: number) => points.filter((p) => p.atSec <= t).at(-1) ?? null;
  const a = atOrBefore(fromSec);
  const b = atOrBefore(toSec);
  if (a === null || b === null) return null;
  return Math.max(0, b.ticks - a.ticks) / CLK_TCK;
}
