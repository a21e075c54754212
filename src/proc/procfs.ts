/**
 * The one reader of `/proc`: process state, group membership, start times, the boot id and the
 * pipes a process holds. Every liveness question about our children (is this group empty? is
 * this pid a zombie? is this pid still the process we recorded?) is answered here.
 *
 * Where there is no `/proc` (macOS, Windows) the readers degrade to what `kill(pid, 0)` can tell
 * and the scanners find nothing. `procRoot` parameters let tests point the async readers at a
 * fake tree.
 *
 * @module
 */
import { join } from "node:path";

/** Default `/proc` location. */
export const PROC_ROOT = "/proc";

/** Fields of `/proc/<pid>/stat` we use. */
export interface ProcStat {
  /** Field 3: R, S, D, Z, ... */
  state: string;
  /** Field 5: process group id. */
  pgrp: number;
  /** Field 22: start time in clock ticks since boot, kept as text (it is only compared). */
  startTime: string;
}

/**
 * A `/proc/<pid>/stat` line split into the pid, the command name (field 2) and the fields after
 * it (`rest[0]` is field 3, so field n is `rest[n - 3]`). The command name is in parentheses and
 * may itself contain spaces and parentheses, so fields are counted from the last `)`.
 */
export function splitProcStat(text: string): { pid: number; comm: string; rest: string[] } | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  return {
    pid: Number.parseInt(text.slice(0, open).trim(), 10),
    comm: text.slice(open + 1, close),
    rest: text.slice(close + 1).trim().split(/\s+/),
  };
}

/** Parses a `/proc/<pid>/stat` line (see {@link splitProcStat}). */
export function parseProcStat(text: string): ProcStat | null {
  const rest = splitProcStat(text)?.rest;
  if (rest === undefined) return null;
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(pgrp)) return null;
  return { state, pgrp, startTime };
}

/** A zombie (`Z`) or dead (`X`) process: it runs nothing and holds nothing but its pid. */
function isDeadState(state: string): boolean {
  return state === "Z" || state === "X";
}

const isPid = (name: string): boolean => /^[0-9]+$/.test(name);

/** `/proc/<pid>/stat` parsed, or null (gone, unreadable, or no /proc). */
export async function readProcStat(pid: number, procRoot: string = PROC_ROOT): Promise<ProcStat | null> {
  try {
    return parseProcStat(await Deno.readTextFile(join(procRoot, String(pid), "stat")));
  } catch {
    return null;
  }
}

/** {@link readProcStat}, synchronously (for checks inside signal paths and timers). */
export function readProcStatSync(pid: number, procRoot: string = PROC_ROOT): ProcStat | null {
  try {
    return parseProcStat(Deno.readTextFileSync(join(procRoot, String(pid), "stat")));
  } catch {
    return null;
  }
}

/** The start time (field 22 of `/proc/<pid>/stat`) of a live process, or null (gone, or no /proc). */
export async function procStartTime(pid: number, procRoot: string = PROC_ROOT): Promise<string | null> {
  return (await readProcStat(pid, procRoot))?.startTime ?? null;
}

/** This boot's id (`/proc/sys/kernel/random/boot_id`), or null off Linux. */
export async function bootId(procRoot: string = PROC_ROOT): Promise<string | null> {
  try {
    const text = (await Deno.readTextFile(join(procRoot, "sys", "kernel", "random", "boot_id"))).trim();
    return text === "" ? null : text;
  } catch {
    return null;
  }
}

/** Pids of the live (non-zombie) members of process group `pgid`; empty without /proc. */
export async function groupMembers(pgid: number, procRoot: string = PROC_ROOT): Promise<number[]> {
  const members: number[] = [];
  try {
    for await (const entry of Deno.readDir(procRoot)) {
      if (!isPid(entry.name)) continue;
      const stat = await readProcStat(Number(entry.name), procRoot);
      if (stat !== null && stat.pgrp === pgid && !isDeadState(stat.state)) members.push(Number(entry.name));
    }
  } catch {
    // No /proc: nothing can be listed.
  }
  return members;
}

/** Whether group `pgid` has a non-zombie member, from /proc; null where /proc is unavailable. */
export function groupHasLiveMember(pgid: number): boolean | null {
  if (Deno.build.os !== "linux") return null;
  try {
    for (const entry of Deno.readDirSync(PROC_ROOT)) {
      if (!isPid(entry.name)) continue;
      const stat = readProcStatSync(Number(entry.name));
      if (stat !== null && stat.pgrp === pgid && !isDeadState(stat.state)) return true;
    }
    return false;
  } catch {
    return null;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isPidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
  } catch {
    return false;
  }
  const stat = readProcStatSync(pid);
  // No /proc entry although kill(0) succeeded: no /proc here, so trust kill(0).
  return stat === null || !isDeadState(stat.state);
}

/** The pipes (`pipe:[inode]`) on fds 1 and 2 of `pid`, read right after spawning it. */
export function stdioPipes(pid: number): string[] {
  if (Deno.build.os !== "linux") return [];
  const pipes: string[] = [];
  for (const fd of [1, 2]) {
    try {
      const link = Deno.readLinkSync(`${PROC_ROOT}/${pid}/fd/${fd}`);
      if (link.startsWith("pipe:")) pipes.push(link);
    } catch {
      // Already gone, or not readable: nothing to track.
    }
  }
  return pipes;
}

/** Live processes other than us holding any of `pipes` open. */
export function pipeHolders(pipes: readonly string[]): number[] {
  if (pipes.length === 0 || Deno.build.os !== "linux") return [];
  const wanted = new Set(pipes);
  const holders: number[] = [];
  for (const entry of Deno.readDirSync(PROC_ROOT)) {
    if (!isPid(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      for (const fd of Deno.readDirSync(`${PROC_ROOT}/${entry.name}/fd`)) {
        if (wanted.has(Deno.readLinkSync(`${PROC_ROOT}/${entry.name}/fd/${fd.name}`))) {
          if (isPidAlive(Number(entry.name))) holders.push(Number(entry.name));
          break;
        }
      }
    } catch {
      // Exited meanwhile, or not ours to inspect.
    }
  }
  return holders;
}

/** Pids (not ours) whose environment (`/proc/<pid>/environ`) holds exactly the entry `NAME=value`. */
export async function pidsWithEnvEntry(name: string, value: string, procRoot: string = PROC_ROOT): Promise<number[]> {
  const needle = new TextEncoder().encode(`${name}=${value}\0`);
  const found: number[] = [];
  try {
    for await (const entry of Deno.readDir(procRoot)) {
      if (!isPid(entry.name) || Number(entry.name) === Deno.pid) continue;
      let environ: Uint8Array;
      try {
        environ = await Deno.readFile(join(procRoot, entry.name, "environ"));
      } catch {
        continue; // gone, or not ours to read
      }
      if (containsEnvEntry(environ, needle)) found.push(Number(entry.name));
    }
  } catch {
    // No /proc.
  }
  return found.sort((a, b) => a - b);
}

/** True when `environ` (NUL-separated) holds exactly the `needle` entry (`NAME=value\0`). */
export function containsEnvEntry(environ: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= environ.length; i++) {
    if (i > 0 && environ[i - 1] !== 0) continue; // entries start after a NUL
    for (let j = 0; j < needle.length; j++) if (environ[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
