/**
 * `doctor`: checks the host, the configured agents, git identity, repository state,
 * `.kittify/` and the cron environment, printing a fix for every problem. Exit 0 when nothing
 * failed (warnings allowed), 1 otherwise.
 *
 * @module
 */
import { checkAgentInstalled } from "../agents/installed.ts";
import { runCommand } from "../proc/run_command.ts";
import { type DoctorCheck, type DoctorDeps, type DoctorReport, runDoctorChecks } from "../agents/doctor.ts";
import { processEnv } from "../agents/env.ts";
import { defaultResolvedConfig } from "../config/mod.ts";
import { loadResolvedConfig } from "../store/config_file.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { ConfigError, errorMessage, ExitCode, UserError } from "../domain/errors.ts";
import { HostTransportError } from "../domain/host_errors.ts";
import { createHost, hostCommand } from "../host/mod.ts";
import { contractEra, negotiateContract } from "../host/negotiate.ts";
import { eraProfile } from "../host/era.ts";
import type { Terminal } from "../output/terminal.ts";
import type { DoctorOptions } from "./options.ts";
import { findRepoRoot } from "./repo_root.ts";

/** Test seams for {@link runDoctor}. */
export interface DoctorOverrides {
  cwd?: string;
  env?: Record<string, string | undefined>;
  checkHost?: DoctorDeps["checkHost"];
  cronPath?: string;
  uid?: number | null;
}

/** The real host check: create the host and negotiate the contract. */
function realHostCheck(config: ResolvedConfig, repoRoot: string): DoctorDeps["checkHost"] {
  return async () => {
    try {
      const host = createHost(config, repoRoot);
      const info = await negotiateContract(host);
      const era = eraProfile(contractEra(info));
      const degraded = era.degradations.length === 0 ? "" : `; degraded on this era: see docs/hosts.md`;
      return {
        ok: true,
        detail: `${host.kind} host, contract ${info.apiVersion} (${era.id}, ${era.label})${degraded}`,
      };
    } catch (error) {
      if (error instanceof UserError) {
        return { ok: false, detail: error.message, ...(error.fix ? { fix: error.fix } : {}) };
      }
      if (error instanceof HostTransportError) {
        return {
          ok: false,
          detail: `${error.message}${error.stderrTail ? `: ${error.stderrTail}` : ""}`,
          fix: config.host.kind === "spec-kitty"
            ? "Install spec-kitty (e.g. `pipx install spec-kitty-cli`), set SPEC_KITTY_BIN, or use `--host builtin`."
            : "Check that this binary runs: `spec-kitty-orchestrator host orchestrator-api contract-version`.",
        };
      }
      return { ok: false, detail: errorMessage(error) };
    }
  };
}

function symbol(term: Terminal, c: DoctorCheck): string {
  if (c.status === "ok") return term.style.green("ok  ");
  if (c.status === "warn") return term.style.yellow("warn");
  return term.style.red("FAIL");
}

function print(report: DoctorReport, term: Terminal): void {
  term.line(`Checking ${report.repoRoot}`);
  for (const c of report.checks) {
    term.line(`${symbol(term, c)} ${c.title}: ${c.detail}`);
    if (c.fix && c.status !== "ok") term.line(`       fix: ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  term.line(
    failed === 0
      ? term.style.green(`All checks passed${warned ? ` (${warned} warning(s))` : ""}.`)
      : term.style.red(`${failed} check(s) failed.`),
  );
}

/** Runs `doctor` and returns the exit code. */
export async function runDoctor(opts: DoctorOptions, term: Terminal, overrides: DoctorOverrides = {}): Promise<number> {
  const cwd = overrides.cwd ?? Deno.cwd();
  const env = overrides.env ?? processEnv();
  const repoRoot = await findRepoRoot(opts.repoRoot, cwd);
  let config: ResolvedConfig;
  let configCheck: DoctorCheck;
  try {
    config = await loadResolvedConfig(repoRoot, { config: opts.config, host: opts.host }, cwd);
    configCheck = {
      id: "config",
      title: "configuration",
      status: "ok",
      detail: config.source ?? "no orchestration.yaml: defaults apply",
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    config = {
      ...defaultResolvedConfig(),
      ...(opts.host ? { host: { ...defaultResolvedConfig().host, kind: opts.host } } : {}),
    };
    configCheck = {
      id: "config",
      title: "configuration",
      status: "fail",
      detail: `${error.message} (the other checks use the defaults)`,
      ...(error.fix ? { fix: error.fix } : {}),
    };
  }
  const hostBinary = config.host.kind === "spec-kitty" ? hostCommand(config, (n) => env[n])[0] : undefined;
  const report = await runDoctorChecks({
    repoRoot,
    config,
    env,
    checkHost: overrides.checkHost ?? realHostCheck(config, repoRoot),
    checkAgent: (id) => checkAgentInstalled(id, config, env),
    git: (args) => runCommand("git", ["-C", repoRoot, ...args], { timeoutMs: 10_000 }),
    uid: overrides.uid !== undefined ? overrides.uid : Deno.uid(),
    ...(hostBinary ? { hostBinary } : {}),
    ...(overrides.cronPath ? { cronPath: overrides.cronPath } : {}),
  });
  report.checks.unshift(configCheck);
  report.ok = report.ok && configCheck.status !== "fail";
  if (opts.json) term.printJson(report);
  else print(report, term);
  return report.ok ? ExitCode.Ok : ExitCode.RunFailed;
}
