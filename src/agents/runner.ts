/**
 * The {@link AgentRunner} the engine uses: resolves the agent, writes the prompt file, builds
 * argv and a filtered environment, supervises the process and turns what happened into a
 * typed {@link AttemptResult}. Agent failures are results, never exceptions.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import type { ResolvedConfig } from "../domain/config.ts";
import { ARGV_PROMPT_MAX_BYTES, argvTemplate, substituteArgv, usesPlaceholder } from "./definition.ts";
import { VERDICT_JSON_SCHEMA_TEXT } from "../core/verdict.ts";
import { buildAgentEnv, processEnv } from "./env.ts";
import { AttemptLog } from "./log_writer.ts";
import type { ParsedOutput } from "./parse/types.ts";
import { getAgent } from "./registry.ts";
import { createSupervisor, type SuperviseResult } from "./supervise.ts";
import {
  type AgentRunner,
  type AttemptFailure,
  type AttemptResult,
  type AttemptSpec,
  notStarted,
} from "../domain/agent.ts";
import { which } from "../proc/which.ts";
import { gitWorkspaceProbe, type WorkspaceProbe } from "./workspace_probe.ts";

/** Options of {@link createAgentRunner}. */
export interface AgentRunnerOptions {
  config: ResolvedConfig;
  repoRoot: string;
  mission: string;
  /** Where agent environment values come from. @default our process environment */
  env?: Record<string, string | undefined>;
  /** SIGTERM → SIGKILL grace. @default 10_000 */
  graceMs?: number;
  /** Stall-check period. @default 5_000 */
  pollMs?: number;
  /** Workspace fingerprint for stall detection. @default git status + mtimes */
  probe?: WorkspaceProbe;
  /** Wall clock for reset-time parsing. @default Date.now */
  now?: () => number;
}

/** The prompt file of an attempt: next to its log, so both survive for debugging. */
export function promptPathFor(logPath: string): string {
  return logPath.replace(/\.log$/, "") + ".prompt.md";
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** Creates the runner; see the module doc. */
export function createAgentRunner(opts: AgentRunnerOptions): AgentRunner {
  const supervisor = createSupervisor();
  const graceMs = opts.graceMs ?? 10_000;
  const pollMs = opts.pollMs ?? 5_000;
  const probe = opts.probe ?? gitWorkspaceProbe;
  const now = opts.now ?? Date.now;

  async function run(spec: AttemptSpec, signal?: AbortSignal): Promise<AttemptResult> {
    const def = getAgent(spec.agentId, opts.config);
    const started = performance.now();
    const promptFile = promptPathFor(spec.logPath);
    const values = {
      prompt: spec.prompt,
      prompt_file: promptFile,
      workspace: spec.workspace,
      repo_root: opts.repoRoot,
      role: spec.role,
      wp: spec.wp ?? "",
      mission: opts.mission,
      verdict_schema_file: spec.logPath.replace(/\.log$/, "") + ".verdict-schema.json",
    };
    const argv = substituteArgv(argvTemplate(def, spec.role), values);
    const env = buildAgentEnv({
      source: opts.env ?? processEnv(),
      allow: def.passEnv,
      fixed: def.env,
      extra: spec.env,
    });
    const promptNote = def.prompt === "stdin"
      ? `stdin from ${promptFile}`
      : def.prompt === "file"
      ? `file ${promptFile}`
      : "argv (truncated above)";
    const log = await AttemptLog.create(spec.logPath, {
      agentId: spec.agentId,
      role: spec.role,
      cwd: spec.workspace,
      argv,
      startedAt: new Date(now()),
      prompt: promptNote,
    }, opts.config.logMaxBytes);

    const early = (failure: AttemptFailure): Promise<AttemptResult> =>
      log.close(`not started: ${failure.class}: ${failure.message}`).catch(() => {}).then(() =>
        notStarted(spec, failure, Math.round(performance.now() - started))
      );

    const promptBytes = new TextEncoder().encode(spec.prompt).length;
    if (def.prompt === "arg" && promptBytes > ARGV_PROMPT_MAX_BYTES) {
      return early({
        class: "config",
        message: `Cannot pass the prompt to agent '${def.id}' as argv prompts must be at most ` +
          `${ARGV_PROMPT_MAX_BYTES} bytes: this prompt is ${promptBytes} bytes. Use an agent that reads ` +
          "stdin (claude-code, codex, opencode, gemini, ...) or a custom agent with `prompt: stdin` or `prompt: file`.",
      });
    }
    await Deno.writeTextFile(promptFile, spec.prompt, { mode: 0o600 });
    if (usesPlaceholder(argvTemplate(def, spec.role), "verdict_schema_file")) {
      await Deno.writeTextFile(values.verdict_schema_file, VERDICT_JSON_SCHEMA_TEXT, { mode: 0o600 });
    }

    if (!(await Deno.stat(spec.workspace).then((s) => s.isDirectory, () => false))) {
      return early({
        class: "crash",
        message: `Cannot run agent '${def.id}' as its workspace must be an existing directory: ${spec.workspace}`,
      });
    }
    const binary = argv[0] ?? "";
    const searchPath = env["PATH"] ?? "";
    const resolved = binary.includes("/") && !isAbsolute(binary)
      ? await which(resolve(opts.repoRoot, binary), "")
      : await which(binary, searchPath);
    if (resolved === null) {
      return early({
        class: "crash",
        message: `Cannot run agent '${def.id}' as its binary '${binary}' was not found on PATH (${searchPath}). ` +
          `Install it (${def.install}) or put its directory on PATH.`,
      });
    }
    argv[0] = resolved;

    const parser = def.parser();
    let sup: SuperviseResult;
    try {
      sup = await supervisor.run({
        argv,
        cwd: spec.workspace,
        env,
        stdinPath: def.prompt === "stdin" ? promptFile : null,
        log,
        timeoutMs: spec.timeoutMs,
        stallTimeoutMs: spec.stallTimeoutMs,
        graceMs,
        pollMs,
        probe,
        stdout: parser.stdout,
        onLine: (line) => parser.line(line),
        ...(spec.onSpawn ? { onSpawn: spec.onSpawn } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      await log.close(`supervision failed: ${String(error)}`).catch(() => {});
      throw error;
    }
    const parsed = parser.finish({
      stdoutTail: sup.stdoutTail,
      stderrTail: sup.stderrTail,
      exitCode: sup.exitCode,
      role: spec.role,
      nowMs: now(),
      skippedLines: sup.skippedLines,
    });
    const result = toResult(spec, binary, sup, parsed);
    const outcome = result.ok ? "ok" : `${result.failure?.class}: ${result.failure?.message.split("\n")[0]}`;
    await log.close(
      `exit code=${sup.exitCode ?? "-"} signal=${sup.signal ?? "-"} duration=${sup.durationMs}ms ` +
        `result=${outcome}` + (log.truncated ? " (log truncated)" : "") +
        (sup.skippedLines.count > 0
          ? ` (${sup.skippedLines.count} stdout line(s) over the parser's line limit skipped, ` +
            `longest ${sup.skippedLines.maxBytes} bytes)`
          : ""),
    ).catch(() => {});
    return result;
  }

  function toResult(spec: AttemptSpec, binary: string, sup: SuperviseResult, parsed: ParsedOutput): AttemptResult {
    let failure: AttemptFailure | null = parsed.failure;
    if (sup.error !== null && sup.pid === null) {
      failure = { class: "crash", message: `Cannot start agent '${spec.agentId}' (${binary}): ${sup.error}` };
    } else if (sup.stopped === "timeout") {
      failure = { class: "timeout", message: `Stopped after the wall-clock limit of ${seconds(spec.timeoutMs)}` };
    } else if (sup.stopped === "stall") {
      failure = {
        class: "stall",
        message: `Stopped after ${seconds(spec.stallTimeoutMs)} without output or workspace changes`,
      };
    } else if (sup.stopped === "aborted") {
      failure = { class: "crash", message: sup.error ?? "Stopped by the orchestrator (abort or shutdown)" };
    } else if (sup.signal !== null) {
      failure = { class: "crash", message: `Agent '${spec.agentId}' was killed by signal ${sup.signal}` };
    }
    return {
      agentId: spec.agentId,
      role: spec.role,
      ok: failure === null && parsed.ok,
      exitCode: sup.exitCode,
      signal: sup.signal,
      durationMs: sup.durationMs,
      failure,
      finalMessage: parsed.finalMessage,
      costUsd: parsed.costUsd,
      tokens: parsed.tokens,
      logPath: spec.logPath,
      outputTail: sup.outputTail,
      pgid: sup.pid,
    };
  }

  return { run, terminateAll: () => supervisor.terminateAll() };
}
