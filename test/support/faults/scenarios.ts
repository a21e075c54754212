/**
 * Small scenario helpers shared by the fault tests: an unfinished run to resume, waiting for a
 * marker file, and liveness of a pid.
 *
 * @module
 */
import { assert } from "../assert.ts";
import { type FaultRepo, orchestrateArgs } from "./harness.ts";
import { assertMessage, stateFiles } from "./invariants.ts";

/**
 * Leaves an unfinished run (the host refuses the first transition with USAGE_ERROR, which is
 * fatal) and returns its state file, which has a backup.
 */
export async function stoppedRun(repo: FaultRepo): Promise<string> {
  await repo.hostFault("transition", "usage 1");
  const result = await repo.cli(orchestrateArgs(repo));
  assertMessage(result, 1, "USAGE_ERROR");
  await repo.hostFault("transition", null);
  const [path] = await stateFiles(repo);
  assert(path !== undefined, "a state file was written");
  assert(await Deno.stat(path + ".bak").then(() => true, () => false), "with a backup");
  return path;
}

/** Waits until `path` has non-blank content and returns it trimmed. */
export async function waitFor(path: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text.trim() !== "") return text.trim();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${path}`);
}

/** True when `pid` runs (a zombie does not count). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
