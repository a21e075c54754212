/**
 * Orphan reaping on startup (reliability.md §3.2 step 7).
 *
 * Deno has no PR_SET_PDEATHSIG, so when the orchestrator is SIGKILLed its agents keep running.
 * The state file records each running agent's process group with its pid's start time and the
 * boot id; the next start terminates those groups (SIGTERM → grace → SIGKILL), but only after
 * proving they are still ours: a different boot id or a different start time means the pid was
 * reused by an unrelated process, which is never signalled. Then every process still tagged
 * with the run's id (see `reap_tagged.ts`) is stopped: spawns the dead run never recorded and
 * descendants that left the group with `setsid`.
 *
 * @module
 */
import { join } from "node:path";
import type { RunningAttempt, RunState } from "./state_types.ts";
import { reapTagged } from "./reap_tagged.ts";

/** Default `/proc` location. */
const PROC = "/proc";

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
 * Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself
 * contain spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3.
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(pgrp)) return null;
  return { state, pgrp, startTime };
}

async function readStat(pid: number, procRoot: string): Promise<ProcStat | null> {
  try {
    return parseProcStat(await Deno.readTextFile(join(procRoot, String(pid), "stat")));
  } catch {
    return null;
  }
}

/** The start time (field 22 of `/proc/<pid>/stat`) of a live process, or null (gone, or no /proc). */
export async function procStartTime(pid: number, procRoot: string = PROC): Promise<string | null> {
  return (await readStat(pid, procRoot))?.startTime ?? null;
}

/** This boot's id (`/proc/sys/kernel/random/boot_id`), or null off Linux. */
export async function bootId(procRoot: string = PROC): Promise<string | null> {
  try {
    const text = (await Deno.readTextFile(join(procRoot, "sys", "kernel", "random", "boot_id"))).trim();
    return text === "" ? null : text;
  } catch {
    return null;
  }
}

/** Pids of the live (non-zombie) members of process group `pgid`. */
export async function groupMembers(pgid: number, procRoot: string = PROC): Promise<number[]> {
  const members: number[] = [];
  try {
    for await (const entry of Deno.readDir(procRoot)) {
      if (!/^[0-9]+$/.test(entry.name)) continue;
      const stat = await readStat(Number(entry.name), procRoot);
      if (stat !== null && stat.pgrp === pgid && stat.state !== "Z") members.push(Number(entry.name));
    }
  } catch {
    // No /proc: nothing can be listed.
  }
  return members;
}

/** What happened to one recorded agent. */
export type ReapAction =
  | "gone"
  | "other_boot"
  | "unverifiable"
  | "pid_reused"
  | "terminated"
  | "killed"
  | "survived";

/** One recorded agent and what the reaper did about it. */
export interface ReapResult {
  entry: RunningAttempt;
  action: ReapAction;
  /** A human line, e.g. "WP01 implement attempt 2 (claude-code, pgid 4242): terminated with SIGTERM". */
  line: string;
}

/** Options of {@link reapLeftovers}. */
export interface ReapOptions {
  /** Time between SIGTERM and SIGKILL. @default 10_000 */
  graceMs?: number;
  /** Where `/proc` is (tests). @default "/proc" */
  procRoot?: string;
  /** Signal sender. @default Deno.kill */
  kill?: (pid: number, signal: Deno.Signal) => void;
}

/**
 * Terminates the process groups recorded in `state.running` that provably belong to a previous
 * orchestrator process; returns what happened to each (the caller marks attempts interrupted).
 */
export async function reapRunning(state: RunState, opts: ReapOptions = {}): Promise<ReapResult[]> {
  const procRoot = opts.procRoot ?? PROC;
  const currentBoot = await bootId(procRoot);
  return await Promise.all(state.running.map(async (entry) => {
    const label = `${entry.wp_id} ${entry.role} attempt ${entry.attempt} (${entry.agent}, pgid ${entry.pgid})`;
    const result = (action: ReapAction, why: string): ReapResult => ({ entry, action, line: `${label}: ${why}` });
    if (entry.boot_id !== null && currentBoot !== null && entry.boot_id !== currentBoot) {
      return result("other_boot", "not signalled: it ran before the last reboot");
    }
    const start = await procStartTime(entry.pid, procRoot);
    if (start === null) {
      // The leader is gone; survivors of its group are still ours when we know it is the same boot
      // (a pgid cannot be reused while members of the group exist).
      const sameBoot = entry.boot_id !== null && entry.boot_id === currentBoot;
      if (!sameBoot || (await groupMembers(entry.pgid, procRoot)).length === 0) {
        return result("gone", "already exited");
      }
    } else if (entry.proc_start_time === null) {
      return result("unverifiable", `not signalled: pid ${entry.pid} is alive but its start time was not recorded`);
    } else if (start !== entry.proc_start_time) {
      return result("pid_reused", `not signalled: pid ${entry.pid} now belongs to another process (PID reuse)`);
    }
    const action = await terminateGroup(entry.pgid, procRoot, opts);
    const words = {
      terminated: "terminated with SIGTERM",
      killed: "killed with SIGKILL after the grace period",
      survived: "still alive after SIGKILL; check it by hand",
    } as const;
    return result(action, words[action]);
  }));
}

/** {@link reapRunning}, as human lines. */
export async function reapLeftovers(state: RunState, opts: ReapOptions = {}): Promise<string[]> {
  const recorded = (await reapRunning(state, opts)).map((r) => r.line);
  // Then whatever still carries this run's tag: spawns that were never recorded, setsid escapees.
  return [...recorded, ...await reapTagged(state.run_id, opts)];
}

async function terminateGroup(
  pgid: number,
  procRoot: string,
  opts: ReapOptions,
): Promise<"terminated" | "killed" | "survived"> {
  const kill = opts.kill ?? ((pid, sig) => Deno.kill(pid, sig));
  const send = (sig: Deno.Signal) => {
    try {
      kill(-pgid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  send("SIGTERM");
  if (await waitEmpty(pgid, procRoot, opts.graceMs ?? 10_000)) return "terminated";
  send("SIGKILL");
  return await waitEmpty(pgid, procRoot, 2_000) ? "killed" : "survived";
}

async function waitEmpty(pgid: number, procRoot: string, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (true) {
    if ((await groupMembers(pgid, procRoot)).length === 0) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
