/**
 * Orphan reaping on startup.
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
import { bootId, groupMembers, PROC_ROOT, procStartTime } from "./procfs.ts";
import type { RecordedGroup } from "../domain/run_state.ts";
import { reapTagged } from "./reap_tagged.ts";
import { escalate } from "./terminate.ts";

/** What the reaper reads of a run state. */
export interface RecordedRun<E extends RecordedGroup = RecordedGroup> {
  run_id: string;
  running: readonly E[];
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
export interface ReapResult<E extends RecordedGroup = RecordedGroup> {
  entry: E;
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
export async function reapRunning<E extends RecordedGroup>(
  state: { running: readonly E[] },
  opts: ReapOptions = {},
): Promise<ReapResult<E>[]> {
  const procRoot = opts.procRoot ?? PROC_ROOT;
  const currentBoot = await bootId(procRoot);
  return await Promise.all(state.running.map(async (entry) => {
    const label = `${entry.wp_id} ${entry.role} attempt ${entry.attempt} (${entry.agent}, pgid ${entry.pgid})`;
    const result = (action: ReapAction, why: string): ReapResult<E> => ({ entry, action, line: `${label}: ${why}` });
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
export async function reapLeftovers(state: RecordedRun, opts: ReapOptions = {}): Promise<string[]> {
  const recorded = (await reapRunning(state, opts)).map((r) => r.line);
  // Then whatever still carries this run's tag: spawns that were never recorded, setsid escapees.
  return [...recorded, ...await reapTagged(state.run_id, opts)];
}

/** The shared escalation over a recorded group, its emptiness read from `procRoot`. */
async function terminateGroup(
  pgid: number,
  procRoot: string,
  opts: ReapOptions,
): Promise<"terminated" | "killed" | "survived"> {
  const kill = opts.kill ?? ((pid, sig) => Deno.kill(pid, sig));
  const outcome = await escalate({
    send(sig) {
      try {
        kill(-pgid, sig);
      } catch {
        // ESRCH: the group is already gone (the wait below sees it empty).
      }
      return true;
    },
    gone: async () => (await groupMembers(pgid, procRoot)).length === 0,
  }, { graceMs: opts.graceMs ?? 10_000, killWaitMs: 2_000 });
  return outcome === "gone" ? "terminated" : outcome;
}
