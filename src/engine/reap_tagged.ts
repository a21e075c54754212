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
import { join } from "node:path";

/** The environment variable that tags agent processes with their run. */
export const RUN_ID_ENV = "SKO_RUN_ID";

/** Pids (not ours) whose environment contains `SKO_RUN_ID=<runId>`. */
export async function taggedPids(runId: string, procRoot = "/proc"): Promise<number[]> {
  const needle = new TextEncoder().encode(`${RUN_ID_ENV}=${runId}\0`);
  const found: number[] = [];
  try {
    for await (const entry of Deno.readDir(procRoot)) {
      if (!/^[0-9]+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
      let environ: Uint8Array;
      try {
        environ = await Deno.readFile(join(procRoot, entry.name, "environ"));
      } catch {
        continue; // gone, or not ours to read
      }
      if (containsTag(environ, needle)) found.push(Number(entry.name));
    }
  } catch {
    // No /proc.
  }
  return found.sort((a, b) => a - b);
}

/** True when `environ` (NUL-separated) holds exactly the `needle` entry (`NAME=value\0`). */
export function containsTag(environ: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= environ.length; i++) {
    if (i > 0 && environ[i - 1] !== 0) continue; // entries start after a NUL
    for (let j = 0; j < needle.length; j++) if (environ[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Terminates every process tagged with `runId`: SIGTERM, up to `graceMs`, then SIGKILL.
 * Returns one human line per process signalled.
 */
export async function reapTagged(
  runId: string,
  opts: { graceMs?: number; procRoot?: string; kill?: (pid: number, sig: Deno.Signal) => void } = {},
): Promise<string[]> {
  const procRoot = opts.procRoot ?? "/proc";
  const kill = opts.kill ?? ((pid: number, sig: Deno.Signal) => Deno.kill(pid, sig));
  const pids = await taggedPids(runId, procRoot);
  if (pids.length === 0) return [];
  const send = (pid: number, sig: Deno.Signal) => {
    try {
      kill(pid, sig);
    } catch {
      // ESRCH: already gone.
    }
  };
  for (const pid of pids) send(pid, "SIGTERM");
  const deadline = performance.now() + (opts.graceMs ?? 10_000);
  let left = pids;
  while (left.length > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const alive = new Set(await taggedPids(runId, procRoot));
    left = left.filter((pid) => alive.has(pid));
  }
  for (const pid of left) send(pid, "SIGKILL");
  return pids.map((pid) =>
    `pid ${pid} of run ${runId}: ${left.includes(pid) ? "killed with SIGKILL after the grace period" : "terminated"}`
  );
}
