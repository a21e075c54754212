/**
 * Finding and stopping the processes that escaped an agent's process group.
 *
 * A descendant that calls `setsid` leaves the group, so the group kill misses it; if it kept the
 * agent's stdout or stderr it also keeps our pipes open and outlives the attempt. Such a process
 * is recognisable without guessing: it holds the very pipe we gave the agent (same inode in
 * `/proc/<pid>/fd`, read by `procfs.ts`). Linux only; elsewhere nothing is found.
 *
 * @module
 */
import { pipeHolders } from "./procfs.ts";
import { terminatePids } from "./terminate.ts";

export { pipeHolders, stdioPipes } from "./procfs.ts";

/**
 * SIGTERM to every holder of `pipes`, up to `graceMs` for them to exit, then SIGKILL to the rest
 * (and up to 1 s for it to land). Returns the pids that were signalled.
 */
export async function killPipeHolders(pipes: readonly string[], graceMs: number): Promise<number[]> {
  const pids = pipeHolders(pipes);
  // SIGKILL is delivered asynchronously: the wait after it lets callers see them gone.
  await terminatePids(pids, { graceMs, killWaitMs: 1000 });
  return pids;
}
