/**
 * Test fixture (a child process): installs the shutdown handlers, prints `READY`, and on the
 * first signal prints `STOPPING <sig>` and exits with its code after `delayMs` (default: never,
 * so a second signal must force the exit).
 *
 * @module
 */
import { exitCodeForSignal, installSignalHandlers } from "../../src/app/signals.ts";

const delay = Deno.args[0] === undefined ? null : Number(Deno.args[0]);
const write = (t: string) => Deno.stdout.write(new TextEncoder().encode(t));
installSignalHandlers(async (sig) => {
  await write(`STOPPING ${sig}\n`);
  if (delay !== null) {
    await new Promise((r) => setTimeout(r, delay));
    Deno.exit(exitCodeForSignal(sig));
  }
});
await write("READY\n");
setInterval(() => {}, 60_000);
