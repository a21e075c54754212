/**
 * `host` command: the built-in host's CLI, a stand-in for `spec-kitty` on machines without
 * Python. Arguments bypass commander because the wire format is spec-kitty's (Click messages,
 * JSON envelopes):
 *
 * - `host orchestrator-api <sub> <flags>`: one envelope line on stdout; exit 0 / 1 / 2.
 * - `host agent tasks mark-status <ID...> --status done --mission <m> [--json]`.
 *
 * `SKO_HOST_DELAY_MS` makes every call sleep first (benchmarks simulate the real host's ~2 s).
 *
 * @module
 */
import { runOrchestratorApi } from "../builtin-host/api.ts";
import { runMarkStatus } from "../builtin-host/mark_status.ts";
import { findProjectRoot } from "../builtin-host/root.ts";
import { EMULATE_ENV, emulatedEra } from "../builtin-host/emulate.ts";
import { createTerminal } from "../output/terminal.ts";

const USAGE = "Usage: host orchestrator-api <command> [options]\n       host agent tasks mark-status <ID...> " +
  "--status done --mission <mission> [--json]\n";

async function simulatedDelay(): Promise<void> {
  const raw = Deno.env.get("SKO_HOST_DELAY_MS");
  const ms = raw === undefined ? 0 : Number.parseInt(raw, 10);
  if (Number.isFinite(ms) && ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `host [--emulate <era>] <args>` and returns the exit code. */
export async function runHostCommand(allArgs: string[]): Promise<number> {
  const term = createTerminal({ isTty: false, color: false });
  await simulatedDelay();
  const root = () => findProjectRoot();
  // `--emulate <era>` (or SKO_BUILTIN_EMULATE) answers as an older spec-kitty host does.
  const flagged = allArgs[0] === "--emulate";
  const args = flagged ? allArgs.slice(2) : allArgs;
  let era;
  try {
    era = emulatedEra(flagged ? allArgs[1] ?? "" : Deno.env.get(EMULATE_ENV));
  } catch (error) {
    term.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (args[0] === "orchestrator-api") {
    const outcome = await runOrchestratorApi(args.slice(1), root, undefined, era);
    term.raw(outcome.stdout);
    return outcome.exitCode;
  }
  if (args[0] === "agent" && args[1] === "tasks" && args[2] === "mark-status") {
    const outcome = await runMarkStatus(args.slice(3), root, undefined, era);
    if (outcome.stdout !== "") term.raw(outcome.stdout);
    if (outcome.stderr !== "") term.error(outcome.stderr.replace(/^Error: /, "").trimEnd());
    return outcome.exitCode;
  }
  if (args[0] === "--help" || args[0] === "-h") {
    term.raw(USAGE);
    return 0;
  }
  term.error(`Cannot run 'host ${args.join(" ")}' as it is not a built-in host command`);
  term.raw(USAGE);
  return 2;
}
