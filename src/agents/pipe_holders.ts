/**
 * Finding the processes that escaped an agent's process group (reliability.md §4.2 fault 20).
 *
 * A descendant that calls `setsid` leaves the group, so the group kill misses it; if it kept the
 * agent's stdout or stderr it also keeps our pipes open and outlives the attempt. Such a process
 * is recognisable without guessing: it holds the very pipe we gave the agent (same inode in
 * `/proc/<pid>/fd`). Linux only; elsewhere nothing is found.
 *
 * @module
 */
import { isPidAlive } from "./process_group.ts";

/** The pipes (`pipe:[inode]`) on fds 1 and 2 of `pid`, read right after spawning it. */
export function stdioPipes(pid: number): string[] {
  if (Deno.build.os !== "linux") return [];
  const pipes: string[] = [];
  for (const fd of [1, 2]) {
    try {
      const link = Deno.readLinkSync(`/proc/${pid}/fd/${fd}`);
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
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      for (const fd of Deno.readDirSync(`/proc/${entry.name}/fd`)) {
        if (wanted.has(Deno.readLinkSync(`/proc/${entry.name}/fd/${fd.name}`))) {
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

/**
 * SIGTERM to every holder of `pipes`, up to `graceMs` for them to exit, then SIGKILL to the rest
 * (and up to 1 s for it to land). Returns the pids that were signalled.
 */
export async function killPipeHolders(pipes: readonly string[], graceMs: number): Promise<number[]> {
  const pids = pipeHolders(pipes);
  const signal = (pid: number, sig: Deno.Signal) => {
    try {
      Deno.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = performance.now() + graceMs;
  while (pids.some(isPidAlive) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids) if (isPidAlive(pid)) signal(pid, "SIGKILL");
  // SIGKILL is delivered asynchronously: give the kernel a moment so callers see them gone.
  const killDeadline = performance.now() + 1000;
  while (pids.some(isPidAlive) && performance.now() < killDeadline) await new Promise((r) => setTimeout(r, 10));
  return pids;
}
