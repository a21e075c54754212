/**
 * Is an agent's binary installed, and which version? Used by `doctor` and preflight checks.
 *
 * @module
 */
import type { ResolvedConfig } from "../domain/config.ts";
import { processEnv } from "./env.ts";
import { getAgent } from "./registry.ts";
import { runCommand } from "../proc/run_command.ts";
import { which } from "../proc/which.ts";

/** The outcome of {@link checkAgentInstalled}. */
export interface AgentInstallStatus {
  found: boolean;
  /** Absolute path of the binary, when found. */
  path?: string;
  /** First line of `<bin> --version`, when it answered. */
  version?: string;
  /** What to do when it is missing or broken. */
  fix?: string;
}

/**
 * Looks the agent's binary up on PATH and asks it for `--version` (10 s timeout, process group
 * killed on timeout).
 */
export async function checkAgentInstalled(
  id: string,
  config: Pick<ResolvedConfig, "agents">,
  env: Record<string, string | undefined> = processEnv(),
): Promise<AgentInstallStatus> {
  const def = getAgent(id, config);
  const binary = def.implementArgv[0] ?? "";
  const path = await which(binary, env["PATH"] ?? "");
  if (path === null) {
    return { found: false, fix: `Install '${binary}' (${def.install}) or put its directory on PATH.` };
  }
  const r = await runCommand(path, ["--version"], { timeoutMs: 10_000, maxBytes: 64 * 1024 });
  const line = (r.stdout + "\n" + r.stderr).split("\n").map((l) => l.trim()).find((l) => l !== "");
  if (r.code !== 0 || line === undefined) {
    const why = r.timedOut ? "did not answer within 10 s" : `exited with code ${r.code}`;
    return { found: true, path, fix: `'${path} --version' ${why}; check that the installation works.` };
  }
  return { found: true, path, version: line.slice(0, 200) };
}
