/**
 * Test fixture (a child process): takes a mission's run lock like a real run, prints
 * `LOCKED <pid>`, and on SIGTERM releases it and exits 143, as the engine's handler does.
 * Usage: `deno run -A _lock_holder_fixture.ts <repoRoot> <mission> <runId> [stopDelayMs]`.
 *
 * @module
 */
import { acquireLock } from "../../src/store/lock.ts";

const [repoRoot, mission, runId, delay] = Deno.args;
if (repoRoot === undefined || mission === undefined || runId === undefined) Deno.exit(2);
const handle = await acquireLock(repoRoot, mission, runId);
Deno.addSignalListener("SIGTERM", async () => {
  await new Promise((r) => setTimeout(r, Number(delay ?? "0")));
  await handle.release();
  Deno.exit(143);
});
await Deno.stdout.write(new TextEncoder().encode(`LOCKED ${Deno.pid}\n`));
// Stay alive until signalled.
setInterval(() => {}, 60_000);
