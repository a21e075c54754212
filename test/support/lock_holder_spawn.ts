/**
 * Test helper: spawns `_lock_holder_fixture.ts` as a separate Deno process and waits until it
 * holds the lock.
 *
 * @module
 */
import { dirname } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const FIXTURE = new URL("./lock_holder_fixture.ts", import.meta.url);
const PROJECT = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

/** A running lock holder. */
export interface LockHolder {
  child: Deno.ChildProcess;
  pid: number;
  /** SIGKILLs it (if still alive) and waits for its exit. */
  kill(): Promise<Deno.CommandStatus>;
}

/** Starts a process holding `mission`'s lock in `repoRoot`; resolves once it holds it. */
export async function spawnLockHolder(
  repoRoot: string,
  mission: string,
  runId: string,
  stopDelayMs = 0,
): Promise<LockHolder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", fromFileUrl(FIXTURE), repoRoot, mission, runId, String(stopDelayMs)],
    cwd: PROJECT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoded = child.stdout.pipeThrough(new TextDecoderStream());
  const reader = decoded.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  // Keep draining so the child never blocks on a full pipe.
  decoded.pipeTo(new WritableStream()).catch(() => undefined);
  if (!text.startsWith("LOCKED ")) {
    child.kill("SIGKILL");
    const status = await child.status;
    throw new Error(`lock holder did not start (exit ${status.code}): ${JSON.stringify(text)}`);
  }
  let status: Promise<Deno.CommandStatus> | null = null;
  return {
    child,
    pid: child.pid,
    kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      status ??= child.status;
      return status;
    },
  };
}
