/**
 * Second line of orphan reaping: every agent is spawned with `SKO_RUN_ID=<run id>` in its
 * environment, and children inherit it, so processes of a dead run can be found by that tag even
 * when their spawn was never recorded in the state file (the orchestrator was killed between
 * spawn and save) or when a grandchild left the agent's process group with `setsid`.
 *
 * Only processes whose environment carries exactly this run's id are signalled: run ids are
 * unique, so a reused pid can never match. Linux only (`/proc/<pid>/environ`); elsewhere it finds
 * nothing.
 *
 * @module
 */
import { RUN_ID_ENV } from "../domain/run_state.ts";
import { containsEnvEntry, pidsWithEnvEntry, PROC_ROOT } from "./procfs.ts";
import { terminatePids } from "./terminate.ts";

/** Pids (not ours) whose environment contains `SKO_RUN_ID=<runId>`. */
export function taggedPids(runId: string, procRoot = PROC_ROOT): Promise<number[]> {
  return pidsWithEnvEntry(RUN_ID_ENV, runId, procRoot);
}

/** True when `environ` (NUL-separated) holds exactly the `needle` entry (`NAME=value\0`). */
export const containsTag: (environ: Uint8Array, needle: Uint8Array) => boolean = containsEnvEntry;

/**
 * Terminates every process tagged with `runId`: SIGTERM, up to `graceMs`, then SIGKILL.
 * Returns one human line per process signalled.
 */
export async function reapTagged(
  runId: string,
  opts: { graceMs?: number; procRoot?: string; kill?: (pid: number, sig: Deno.Signal) => void } = {},
): Promise<string[]> {
  const procRoot = opts.procRoot ?? PROC_ROOT;
  const pids = await taggedPids(runId, procRoot);
  if (pids.length === 0) return [];
  const killed = await terminatePids(pids, {
    graceMs: opts.graceMs ?? 10_000,
    // Still tagged, not merely alive: a pid that exited and was reused is never signalled.
    alive: async (left) => {
      const tagged = new Set(await taggedPids(runId, procRoot));
      return left.filter((pid) => tagged.has(pid));
    },
    ...(opts.kill === undefined ? {} : { send: opts.kill }),
  });
  return pids.map((pid) =>
    `pid ${pid} of run ${runId}: ${killed.includes(pid) ? "killed with SIGKILL after the grace period" : "terminated"}`
  );
}
