/**
 * The process groups this orchestrator owns right now (agents and host calls), so a forced exit
 * can still stop them.
 *
 * Why: the first SIGINT/SIGTERM stops agents in order (SIGTERM, grace, SIGKILL); a second
 * signal exits at once. Exit code 143 promises "agents stopped", so the forced path must
 * SIGKILL every live group synchronously before `Deno.exit`, or an agent that ignores SIGTERM
 * outlives us. The one spawner (`run.ts` `spawnOwned`) registers every group here for the
 * lifetime of the child.
 *
 * @module
 */
import { killGroupNow } from "./terminate.ts";

const live = new Set<number>();

/** Records `pgid` as owned and alive; returns the function that forgets it (call it once the group is reaped). */
export function trackGroup(pgid: number): () => void {
  live.add(pgid);
  return () => {
    live.delete(pgid);
  };
}

/** The groups currently recorded, for diagnostics and tests. */
export function liveGroups(): number[] {
  return [...live];
}

/**
 * SIGKILLs every recorded group at once (synchronously: safe right before `Deno.exit`) and
 * returns the groups signalled. Groups that already vanished are skipped silently.
 */
export function killLiveGroupsNow(): number[] {
  const killed: number[] = [];
  for (const pgid of live) {
    // A group that is gone already (ESRCH) is skipped.
    if (killGroupNow(pgid)) killed.push(pgid);
  }
  return killed;
}
