/**
 * The first host calls of `orchestrate`/`resume`, all sent at once: `contract-version` (the
 * contract check), `mission-state` (the mission exists; the engine's first lane view) and
 * optionally `list-ready`. They are reads, so sending them together changes nothing on the host;
 * the contract verdict still comes first: an incompatible host stops the run before any mutation
 * whatever the other reads answered.
 *
 * @module
 */
import { ExitCode, UserError } from "../domain/errors.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import { negotiateContract } from "../host/negotiate.ts";
import { assertDependencies } from "../core/dependencies.ts";
import type { ContractInfo, Host, MissionState, ReadyList } from "../domain/host.ts";

/** What the first reads answered. */
export interface HostStart {
  contract: ContractInfo;
  /** The mission's state, when a mission was asked for. */
  missionState?: MissionState;
  /** `list-ready`, when asked for and answered (the engine reads it again otherwise). */
  ready?: ReadyList;
}

/** Options of {@link startReads}. */
export interface StartReadsOptions {
  /** The host command, for the message when the host cannot be reached. */
  hostCommand: readonly string[];
  /** Read this mission's state (a missing mission is a user error). */
  mission?: string;
  /** Also read `list-ready` for the mission. */
  listReady?: boolean;
}

/**
 * Sends the first reads concurrently and checks the contract.
 *
 * @throws {UserError} for an unreachable or incompatible host (checked first), then for a
 *   missing or unreadable mission, then for unknown dependencies or a dependency cycle.
 */
export async function startReads(host: Host, options: StartReadsOptions): Promise<HostStart> {
  const { mission } = options;
  const [contract, state, ready] = await Promise.allSettled([
    negotiateContract(host),
    mission === undefined ? Promise.resolve(undefined) : requireMission(host, mission),
    mission === undefined || !options.listReady ? Promise.resolve(undefined) : host.listReady(mission),
  ]);
  if (contract.status === "rejected") throw contractError(host, options.hostCommand, contract.reason);
  if (state.status === "rejected") throw state.reason;
  // A graph that can never be satisfied is refused before anything is mutated (run and dry run alike).
  if (mission !== undefined && state.value !== undefined) {
    await assertDependencies(host, mission, state.value);
  }
  return {
    contract: contract.value,
    ...(state.value === undefined ? {} : { missionState: state.value }),
    ...(ready.status === "fulfilled" && ready.value !== undefined ? { ready: ready.value } : {}),
  };
}

function contractError(host: Host, command: readonly string[], error: unknown): unknown {
  if (!(error instanceof HostTransportError)) return error;
  return new UserError(
    `Cannot reach the ${host.kind} host as '${command.join(" ")} orchestrator-api contract-version' ` +
      `must answer with a JSON envelope: ${error.message}`,
    {
      exitCode: ExitCode.RunFailed,
      fix: "Install spec-kitty (or set SPEC_KITTY_BIN), or run with --host builtin.",
      cause: error,
    },
  );
}

/**
 * Reads `mission-state`, turning "no such mission" into a user error (nothing is written
 * before this succeeds).
 */
export async function requireMission(host: Host, mission: string): Promise<MissionState> {
  try {
    return await host.missionState(mission);
  } catch (error) {
    if (error instanceof HostError && (error.code === "MISSION_NOT_FOUND" || error.code === "FEATURE_NOT_FOUND")) {
      throw new UserError(
        `Cannot orchestrate mission '${mission}' as it must exist on the ${host.kind} host: it was not found`,
        { fix: "Pass the directory name under kitty-specs/, e.g. --mission 034-my-feature.", cause: error },
      );
    }
    if (error instanceof HostTransportError || error instanceof HostError) {
      throw new UserError(`Cannot read mission '${mission}' from the ${host.kind} host: ${error.message}`, {
        exitCode: ExitCode.RunFailed,
        fix: "Run `spec-kitty-orchestrator doctor` to check the host and the mission.",
        cause: error,
      });
    }
    throw error;
  }
}
