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
import { type EraProfile, ERAS, wireCommand } from "../host/era.ts";
import type { HostSubcommand } from "../host/subcommands.ts";
import { eraFailureData, eraPayload } from "./emulate.ts";
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

/** `transition` options that only some eras have. */
const ERA_OPTIONS: Readonly<Record<string, (era: EraProfile) => boolean>> = {
  "review-result-json": (era) => era.reviewResultFlag,
  "evidence-json": (era) => era.evidenceFlag,
  "subtasks-complete": (era) => era.subtaskFlags,
  "implementation-evidence-present": (era) => era.subtaskFlags,
};

/**
 * The subcommand table an era's host has: its command names (`feature-state` on the feature
 * era), its mission option (`--feature`), only the options it knows. Commands it lacks are
 * absent, so they answer "No such command" as the real CLI does.
 */
export function subcommandsFor(era: EraProfile): Record<string, Subcommand> {
  if (era.id === "1.3") return { ...SUBCOMMANDS };
  const table: Record<string, Subcommand> = {};
  for (const [name, command] of Object.entries(SUBCOMMANDS)) {
    const wire = wireCommand(era, name as HostSubcommand);
    if (wire === null) continue;
    const specs = command.specs
      .filter((spec) => ERA_OPTIONS[spec.name]?.(era) ?? true)
      .map((spec) => spec.name === "mission" && era.missionFlag === "--feature" ? { ...spec, name: "feature" } : spec);
    table[wire] = { ...command, specs };
  }
  return table;
}

function groupHelp(table: Readonly<Record<string, Subcommand>>): string {
  return `Usage: orchestrator-api COMMAND [OPTIONS]\n\nCommands:\n${
    Object.keys(table).map((name) => `  ${name}`).join("\n")
  }\n`;
}

/**
 * Runs `orchestrator-api <args>`. Never throws: every failure becomes an envelope.
 *
 * @param resolveRoot finds the project root (only called for commands that need one).
 * @param era the host era to answer as (see `emulate.ts`); contract 1.3 by default.
 */
export async function runOrchestratorApi(
  args: readonly string[],
  resolveRoot: () => Promise<string>,
  clock: () => Date = () => new Date(),
  era: EraProfile = ERAS["1.3"],
): Promise<ApiOutcome> {
  const [name, ...rest] = args;
  const table = subcommandsFor(era);
  let sub = "unknown";
  const envelope = (command: string, ok: boolean, code: string | null, data: Record<string, unknown>) =>
    envelopeLine(makeEnvelope(command, ok, code, data, clock, era.contract)) + "\n";
  try {
    if (name === undefined) throw usageError("Missing command.");
    if (name === "--help") return { stdout: groupHelp(table), exitCode: 0 };
    const command = Object.hasOwn(table, name) ? table[name] : undefined;
    if (command === undefined) {
      throw usageError(name.startsWith("-") ? `No such option '${name}'.` : `No such command '${name}'.`);
    }
    const parsed = parseOptions(command.specs, rest);
    if (parsed.help) return { stdout: usageText(`orchestrator-api ${name}`, command.specs), exitCode: 0 };
    sub = name;
    const options = parsed.options;
    if (options.feature !== undefined) options.mission = options.feature;
    const ctx: HostContext = { root: command.needsProject ? await resolveRoot() : "", clock, era };
    const data = await command.run(ctx, options);
    return { stdout: envelope(sub, true, null, eraPayload(era, data)), exitCode: 0 };
  } catch (error) {
    if (error instanceof HostFailure) {
      const command = error.exitCode === 2 ? "unknown" : sub;
      return { stdout: envelope(command, false, error.code, eraFailureData(era, error)), exitCode: error.exitCode };
    }
    const message = `Internal error in the built-in host: ${error instanceof Error ? error.message : String(error)}`;
    return { stdout: envelope(sub, false, "INTERNAL_ERROR", { message }), exitCode: 1 };
  }
}
