/**
 * The `orchestrator-api` group of the built-in host: subcommand table, option specs, and the
 * envelope discipline — exactly one JSON line on stdout for every outcome, exit 0 (success),
 * 1 (handled failure) or 2 (usage error, command `orchestrator-api.unknown`).
 *
 * @module
 */
import { type OptionSpec, parseOptions, usageError, usageText } from "./args.ts";
import type { Handler, HostContext } from "./context.ts";
import { envelopeLine, makeEnvelope } from "./envelope.ts";
import { HostFailure } from "./failure.ts";
import { acceptMission } from "./commands/accept.ts";
import { appendHistory } from "./commands/history.ts";
import { mergeMission } from "./commands/merge.ts";
import { contractVersion, listReady, missionState, resolveWorkspace } from "./commands/read.ts";
import { startImplementation, startReview } from "./commands/start.ts";
import { transition } from "./commands/transition.ts";

/** One subcommand: its options and implementation. */
export interface Subcommand {
  readonly specs: readonly OptionSpec[];
  readonly run: Handler;
  /** False for commands that work outside any project. */
  readonly needsProject: boolean;
}

const v = (name: string, required = false): OptionSpec => ({ name, kind: "value", required });
const MISSION = v("mission", true);
const WP = v("wp", true);
const ACTOR = v("actor", true);

/** The ten subcommands of contract 1.3.0. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  "contract-version": { specs: [v("provider-version")], run: contractVersion, needsProject: false },
  "mission-state": { specs: [MISSION], run: missionState, needsProject: true },
  "list-ready": { specs: [MISSION], run: listReady, needsProject: true },
  "resolve-workspace": { specs: [MISSION, WP], run: resolveWorkspace, needsProject: true },
  "start-implementation": { specs: [MISSION, WP, ACTOR, v("policy")], run: startImplementation, needsProject: true },
  "start-review": {
    specs: [MISSION, WP, ACTOR, v("policy"), v("review-ref")],
    run: startReview,
    needsProject: true,
  },
  "transition": {
    specs: [
      MISSION,
      WP,
      v("to", true),
      ACTOR,
      v("note"),
      v("policy"),
      { name: "force", kind: "flag" },
      v("review-ref"),
      v("review-result-json"),
      v("evidence-json"),
      { name: "subtasks-complete", kind: "negatable" },
      { name: "implementation-evidence-present", kind: "negatable" },
    ],
    run: transition,
    needsProject: true,
  },
  "append-history": { specs: [MISSION, WP, ACTOR, v("note", true)], run: appendHistory, needsProject: true },
  "accept-mission": { specs: [MISSION, ACTOR], run: acceptMission, needsProject: true },
  "merge-mission": {
    specs: [MISSION, v("target"), v("strategy"), { name: "push", kind: "flag" }],
    run: mergeMission,
    needsProject: true,
  },
};

/** What to print and how to exit. */
export interface ApiOutcome {
  /** Text for stdout (one envelope line, or help text). */
  stdout: string;
  exitCode: number;
}

function groupHelp(): string {
  return `Usage: orchestrator-api COMMAND [OPTIONS]\n\nCommands:\n${
    Object.keys(SUBCOMMANDS).map((name) => `  ${name}`).join("\n")
  }\n`;
}

/**
 * Runs `orchestrator-api <args>`. Never throws: every failure becomes an envelope.
 *
 * @param resolveRoot finds the project root (only called for commands that need one).
 */
export async function runOrchestratorApi(
  args: readonly string[],
  resolveRoot: () => Promise<string>,
  clock: () => Date = () => new Date(),
): Promise<ApiOutcome> {
  const [name, ...rest] = args;
  let sub = "unknown";
  try {
    if (name === undefined) throw usageError("Missing command.");
    if (name === "--help") return { stdout: groupHelp(), exitCode: 0 };
    const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (command === undefined) {
      throw usageError(name.startsWith("-") ? `No such option '${name}'.` : `No such command '${name}'.`);
    }
    const parsed = parseOptions(command.specs, rest);
    if (parsed.help) return { stdout: usageText(`orchestrator-api ${name}`, command.specs), exitCode: 0 };
    sub = name;
    const ctx: HostContext = { root: command.needsProject ? await resolveRoot() : "", clock };
    const data = await command.run(ctx, parsed.options);
    return { stdout: envelopeLine(makeEnvelope(sub, true, null, data, clock)) + "\n", exitCode: 0 };
  } catch (error) {
    if (error instanceof HostFailure) {
      const command = error.exitCode === 2 ? "unknown" : sub;
      return {
        stdout: envelopeLine(makeEnvelope(command, false, error.code, error.data(), clock)) + "\n",
        exitCode: error.exitCode,
      };
    }
    const message = `Internal error in the built-in host: ${error instanceof Error ? error.message : String(error)}`;
    return {
      stdout: envelopeLine(makeEnvelope(sub, false, "INTERNAL_ERROR", { message }, clock)) + "\n",
      exitCode: 1,
    };
  }
}
