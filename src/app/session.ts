/**
 * The imperative shell shared by `orchestrate` and `resume`: opening the host (contract and
 * policy checked before any mutation), and running the engine with every real collaborator
 * wired in (agent runner, git, state store, run recorder, terminal view, notifications, signal
 * handlers, idle-sleep guard, lock release).
 *
 * @module
 */
import { join } from "node:path";
import {
  agentFamily,
  buildImplementPrompt,
  buildReviewPrompt,
  checkAgentInstalled,
  createAgentRunner,
  dangerousFlagsFor,
  extractSubtasks,
  parseVerdict,
  shellJoin,
} from "../agents/mod.ts";
import { type ConfigFlags, pipelineFor } from "../config/mod.ts";
import { loadResolvedConfig } from "../store/config_file.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { UserError } from "../domain/errors.ts";
import { createHost, hostCommand } from "../host/mod.ts";
import { buildPolicy } from "../host/policy.ts";
import { eraProfile } from "../host/era.ts";
import type { ContractInfo, EraId, Host, MissionState, PolicyMetadata, ReadyList } from "../domain/host.ts";
import { contractEra } from "../host/negotiate.ts";
import { createNotifier } from "../notify/notifier.ts";
import { logHostCall, logRunEvent, logSignal, logStateSaveFailed } from "../output/diagnostic_events.ts";
import { beginDiagnostics, type DiagnosticLog, DIAGNOSTICS_FILE, openDiagnosticLog } from "../output/diagnostics.ts";
import type { Terminal } from "../output/terminal.ts";
import { createRunRecorder } from "../store/recorder.ts";
import type { RunEvent } from "../domain/run_events.ts";
import { holdIdleSleepGuard } from "../proc/caffeinate.ts";
import { startReads } from "../engine/host_start.ts";
import { createGit } from "../proc/worktree_git.ts";
import type { LockHandle } from "../store/lock.ts";
import { type PromptKit, systemClock } from "../engine/ports.ts";
import { bootId, procStartTime } from "../proc/procfs.ts";
import { Engine } from "../engine/run.ts";
import { installSignalHandlers } from "./signals.ts";
import { killLiveGroupsNow } from "../proc/live_groups.ts";
import { readSubtaskMarks } from "./subtask_marks.ts";
import type { StateStore } from "../store/run_state.ts";
import type { RunState } from "../domain/run_state.ts";
import { createRunView } from "./view.ts";
import { faultsFromEnv } from "./fault_injection.ts";
import { parseLaneHints, wpTags } from "../core/wp_facts.ts";

/** A host that answered the contract check, with the config and the run's policy. */
export interface Session {
  repoRoot: string;
  config: ResolvedConfig;
  host: Host;
  contract: ContractInfo;
  policy: PolicyMetadata;
  /** The mission's state, read with the contract when a mission was given. */
  missionState?: MissionState;
  /** `list-ready` of that mission, when asked for and answered. */
  ready?: ReadyList;
}

export { requireMission } from "../engine/host_start.ts";

/** Agent ids of every pipeline a WP can be given (default and selector targets). */
export function agentsInUse(config: ResolvedConfig): string[] {
  const names = new Set([config.defaultPipeline, ...config.selectors.map((s) => s.pipeline)]);
  const ids = new Set<string>();
  for (const name of names) {
    const p = config.pipelines[name];
    if (p === undefined) continue;
    for (const id of [...p.implement.agents, ...p.review.agents]) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * Loads config, creates the host, negotiates the contract and builds+validates the policy.
 * Nothing is mutated. With `reads.mission`, the mission's state (and with `reads.listReady` its
 * `list-ready`) is read at the same time as the contract (see `host_start.ts`).
 *
 * @throws {UserError} for config problems (2), an unreachable or incompatible host (1/2), a
 *   missing or unreadable mission.
 */
export async function openSession(
  repoRoot: string,
  flags: ConfigFlags,
  cwd: string = Deno.cwd(),
  reads: { mission?: string; listReady?: boolean } = {},
): Promise<Session> {
  const config = await loadResolvedConfig(repoRoot, flags, cwd);
  beginDiagnostics();
  const host = createHost(config, repoRoot, { onCall: logHostCall });
  const start = await startReads(host, { hostCommand: hostCommand(config), ...reads });
  const agents = agentsInUse(config);
  const policy = buildPolicy(config, agents, (id) => agentFamily(id, config), dangerousFlagsFor(agents, config));
  return { repoRoot, config, host, policy, ...start };
}

/** Whether an agent's binary is installed, for dry runs. */
export async function agentInstalled(
  id: string,
  config: ResolvedConfig,
): Promise<{ installed: boolean; detail: string }> {
  try {
    const status = await checkAgentInstalled(id, config);
    if (status.found && status.fix === undefined) return { installed: true, detail: status.version ?? "ok" };
    return { installed: status.found, detail: status.fix ?? "not found" };
  } catch (error) {
    return { installed: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Preflight before any mutation (weakness 26): warns about every agent that is not installed
 * and refuses to start when a stage of the default pipeline has no installed agent at all.
 */
export async function preflightAgents(config: ResolvedConfig, warn: (message: string) => void): Promise<void> {
  const status = new Map<string, { installed: boolean; detail: string }>();
  for (const id of agentsInUse(config)) {
    const s = await agentInstalled(id, config);
    status.set(id, s);
    if (!s.installed) warn(`agent ${id} is not usable: ${s.detail}`);
  }
  const pipeline = config.pipelines[config.defaultPipeline];
  if (pipeline === undefined) return;
  for (
    const [stage, chain] of [["implement", pipeline.implement.agents], ["review", pipeline.review.agents]] as const
  ) {
    if (chain.length > 0 && chain.every((id) => status.get(id)?.installed === false)) {
      throw new UserError(
        `Cannot start as the ${stage} stage of pipeline '${pipeline.name}' must have an installed agent: ` +
          `none of [${chain.join(", ")}] is`,
        { fix: `Install one of them, or choose others with --${stage === "implement" ? "impl" : "review"}-agent.` },
      );
    }
  }
}

/** The prompt kit for one mission, from the agents module (mark-status spelled for the host's era). */
export function promptKit(config: ResolvedConfig, mission: string, era: EraId = "1.3"): PromptKit {
  const mark = hostCommand(config);
  const missionFlag = eraProfile(era).missionFlag;
  return {
    implement: ({ wpId, wpMarkdown, feedback }) =>
      buildImplementPrompt({
        wpMarkdown,
        mission,
        wp: wpId,
        subtasks: extractSubtasks(wpMarkdown),
        markStatusCommand: mark,
        missionFlag,
        feedback: feedback ?? undefined,
      }),
    review: ({ wpId, wpMarkdown, diff }) =>
      buildReviewPrompt({ wpMarkdown, mission, wp: wpId, diff, subtasks: extractSubtasks(wpMarkdown) }),
    parseVerdict,
  };
}

/** The command that merges `mission` on this host (of era `era`), for the next steps. */
export function mergeCommandFor(config: ResolvedConfig, mission: string, era: EraId = "1.3"): string {
  if (eraProfile(era).missionFlag === "--feature") {
    // The feature era merges the WP branches <feature>-WPnn the orchestrator created.
    if (config.host.kind === "spec-kitty") {
      return shellJoin(["spec-kitty", "orchestrator-api", "merge-feature", "--feature", mission]);
    }
    return `git merge --no-ff each ${mission}-WPnn branch into the target (the built-in host does not emulate merge-feature)`;
  }
  if (config.host.kind === "spec-kitty") return `spec-kitty merge --mission ${mission}`;
  return shellJoin([...hostCommand(config), "orchestrator-api", "merge-mission", "--mission", mission]);
}

/** Inputs of {@link executeRun}. */
export interface ExecuteRunInput {
  session: Session;
  state: RunState;
  store: StateStore;
  lock: LockHandle;
  term: Terminal;
  resumed: boolean;
  caffeinate: boolean;
  accept: boolean;
  maxConcurrent: number;
  /** The mission state read by the preflight, reused as the engine's first read. */
  missionState?: MissionState;
  /** The `list-ready` read by the preflight, reused by the engine. */
  ready?: ReadyList;
}

/** The host as the run header names it: kind, contract and era (`builtin, contract 1.2.0, mission era 1.2`). */
export function hostLabel(kind: string, contract: ContractInfo): string {
  return `${kind}, contract ${contract.apiVersion}, ${eraProfile(contractEra(contract)).label}`;
}

/** Runs the engine with every real collaborator and returns the exit code. Releases the lock. */
export async function executeRun(input: ExecuteRunInput): Promise<number> {
  const { session, state, term } = input;
  const { config, repoRoot } = session;
  const era = contractEra(session.contract);
  state.host_era = era;
  const warn = (message: string) => term.warn(message);
  let diagnostics: DiagnosticLog | null = null;
  try {
    const recorder = await createRunRecorder(repoRoot, state.run_id, config.runsRetention, { onWarning: warn });
    diagnostics = openRunDiagnostics(join(recorder.dir, DIAGNOSTICS_FILE), warn);
    const view = createRunView(term);
    const notifier = createNotifier(config.notify, Deno.env.toObject(), warn);
    const pending: Promise<void>[] = [];
    const emit = (event: RunEvent) => {
      logRunEvent(event);
      void recorder.record(event);
      view.onEvent(event);
      pending.push(notifier.notify(event));
    };
    const logDir = join(repoRoot, ".kittify", "logs", state.run_id);
    await Deno.mkdir(logDir, { recursive: true });
    const laneHints = await readLaneHints(repoRoot, state.mission);
    const engine = new Engine({
      host: session.host,
      runner: createAgentRunner({ config, repoRoot, mission: state.mission }),
      git: createGit(),
      clock: systemClock,
      store: {
        async save(next) {
          try {
            await input.store.save(next);
          } catch (error) {
            logStateSaveFailed(error);
            throw error;
          }
        },
        stats: () => input.store.stats(),
      },
      emit,
      prompts: promptKit(config, state.mission, era),
      pipelineFor: (wpId, markdown) => pipelineFor(config, { wpId, tags: wpTags(markdown) }),
      readText: (path) => Deno.readTextFile(path),
      laneHints,
      subtaskMarks: (wpId) => readSubtaskMarks(repoRoot, state.mission, wpId, eraProfile(era)),
      procIdentity: async (pid) => ({ procStartTime: await procStartTime(pid), bootId: await bootId() }),
      // The rate-limit breaker's key: claude-code and a custom agent of the claude family share one.
      faults: faultsFromEnv(),
      familyOf: (id) => {
        try {
          return agentFamily(id, config);
        } catch {
          return id;
        }
      },
    }, {
      repoRoot,
      maxConcurrent: input.maxConcurrent,
      heartbeatMs: config.host.heartbeatMs,
      historyNotes: config.historyNotes,
      logDir,
      resumed: input.resumed,
      hostLabel: hostLabel(session.host.kind, session.contract),
      hostSerializesAllocation: session.contract.serializesAllocation === true,
      accept: input.accept,
      mergeCommand: mergeCommandFor(config, state.mission, era),
      budget: {
        perRunUsd: config.budget?.perRunUsd ?? null,
        pipelines: Object.fromEntries(
          Object.values(config.pipelines).map((p) => [p.name, p.budget ?? { perWpUsd: null, perWpMs: null }]),
        ),
      },
    }, state);
    const uninstall = installSignalHandlers((sig) => {
      logSignal(sig);
      term.warn(`${sig} received: stopping agents and saving state (send it again to exit at once)`);
      engine.interrupt(sig);
    }, {
      // A second signal exits at once, but 130/143 promise "agents stopped": SIGKILL every
      // group we own first (an agent that ignores SIGTERM would otherwise outlive us).
      onForce: (sig) => {
        const killed = killLiveGroupsNow();
        term.warn(`${sig} again: exiting now; killed ${killed.length} process group(s) still running`);
      },
    });
    const guard = await holdIdleSleepGuard(input.caffeinate, { warn });
    let outcome;
    try {
      outcome = await engine.run(input.missionState, input.ready);
    } finally {
      uninstall();
      await guard.release();
      view.close();
    }
    view.printSummary(outcome.summary);
    await recorder.finish(outcome.summary);
    await Promise.race([
      Promise.allSettled(pending),
      new Promise((resolve) => Deno.unrefTimer(setTimeout(resolve, 30_000))),
    ]);
    return outcome.exitCode;
  } finally {
    diagnostics?.close();
    await input.lock.release();
  }
}

/** Opens the run's diagnostic log; a failure is a warning, never a reason to stop the run. */
function openRunDiagnostics(path: string, warn: (message: string) => void): DiagnosticLog | null {
  try {
    return openDiagnosticLog(path);
  } catch (error) {
    warn(
      `Cannot open the diagnostic log ${path} as the open failed: ${error instanceof Error ? error.message : error}`,
    );
    return null;
  }
}

/** Reads `kitty-specs/<mission>/lanes.json` as hints (empty when missing or invalid). */
async function readLaneHints(repoRoot: string, mission: string): Promise<Map<string, string>> {
  try {
    return parseLaneHints(await Deno.readTextFile(join(repoRoot, "kitty-specs", mission, "lanes.json")));
  } catch {
    return new Map();
  }
}
