/**
 * `doctor` checks: everything an unattended (cron) run needs, each problem with a fix.
 *
 * host reachable and contract compatible · every configured agent binary found (+ version, and
 * whether it is the release proven by the suite, `proven.ts`) ·
 * git identity · repository state (dirty primary checkout, stale worktrees) · `.kittify/`
 * writable · cron environment (binaries only reachable through PATH entries cron lacks).
 *
 * Side effects are behind {@link DoctorDeps} so tests can replace them. `warn` does not fail
 * the run; `fail` does.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { ResolvedConfig } from "../domain/config.ts";
import type { AgentInstallStatus } from "./installed.ts";
import { provenStatus } from "./proven.ts";
import { agentBinary, agentFamily, getAgent } from "./registry.ts";
import type { RunCommandResult } from "../proc/run_command.ts";
import { which, whichAll } from "../proc/which.ts";

/** The PATH cron gives jobs on most systems. */
export const CRON_PATH = "/usr/bin:/bin";

/** Outcome of one check. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One check's result. */
export interface DoctorCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** All checks; `ok` is false when any check failed. */
export interface DoctorReport {
  ok: boolean;
  repoRoot: string;
  checks: DoctorCheck[];
}

/** What the checks need from the outside world. */
export interface DoctorDeps {
  repoRoot: string;
  config: ResolvedConfig;
  /** Host reachable and contract compatible. */
  checkHost(): Promise<{ ok: boolean; detail: string; fix?: string }>;
  checkAgent(id: string): Promise<AgentInstallStatus>;
  /** Runs git with `args` in the repository root. */
  git(args: readonly string[]): Promise<RunCommandResult>;
  /** Our environment (PATH is read from it). */
  env: Readonly<Record<string, string | undefined>>;
  /** The binary the host runs, when it is an external command (e.g. `spec-kitty`). */
  hostBinary?: string;
  /** @default CRON_PATH */
  cronPath?: string;
  /** Our user id (root changes what some agents accept). @default null (unknown) */
  uid?: number | null;
}

/** Every agent id the pipelines use, in order of first appearance. */
export function configuredAgentIds(config: ResolvedConfig): string[] {
  const ids: string[] = [];
  for (const p of Object.values(config.pipelines)) ids.push(...p.implement.agents, ...p.review.agents);
  return [...new Set(ids)];
}

async function hostCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  try {
    const r = await deps.checkHost();
    return {
      id: "host",
      title: "host",
      status: r.ok ? "ok" : "fail",
      detail: r.detail,
      ...(r.fix ? { fix: r.fix } : {}),
    };
  } catch (error) {
    return { id: "host", title: "host", status: "fail", detail: String(error) };
  }
}

/** The registry's install command of agent `id`, pinned to `version` (`npm install -g pkg@1.2.3`). */
function provenInstall(id: string, version: string, config: DoctorDeps["config"]): string {
  const install = getAgent(id, config).install;
  return /^npm (install|i) -g \S+$/.test(install) ? `${install}@${version}` : `${install}, version ${version}`;
}

async function agentChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  return await Promise.all(
    configuredAgentIds(deps.config).map(async (id): Promise<DoctorCheck> => {
      const title = `agent ${id}`;
      let s: AgentInstallStatus;
      try {
        s = await deps.checkAgent(id);
      } catch (error) {
        return { id: `agent:${id}`, title, status: "fail", detail: String(error) };
      }
      if (!s.found) {
        return {
          id: `agent:${id}`,
          title,
          status: "fail",
          detail: `'${agentBinary(id, deps.config)}' not found on PATH`,
          ...(s.fix ? { fix: s.fix } : {}),
        };
      }
      if (s.version === undefined) {
        return {
          id: `agent:${id}`,
          title,
          status: "warn",
          detail: `${s.path}: version unknown`,
          ...(s.fix ? { fix: s.fix } : {}),
        };
      }
      const claudeAsRoot = deps.config.agents[id] === undefined && agentFamily(id, deps.config) === "claude" &&
        deps.uid === 0 && deps.env["IS_SANDBOX"] !== "1";
      if (claudeAsRoot) {
        return {
          id: `agent:${id}`,
          title,
          status: "warn",
          detail: `${s.path} (${s.version}): as root, Claude Code refuses --dangerously-skip-permissions`,
          fix: "Run the orchestrator as a normal user, or export IS_SANDBOX=1 inside a disposable container.",
        };
      }
      // A built-in agent (not redefined in the config) whose CLI is not the release the suite
      // drove for real: it may still work, but flags or output may have moved since.
      const proven = deps.config.agents[id] === undefined ? provenStatus(id, s.version) : null;
      if (proven?.kind === "other") {
        const install = provenInstall(id, proven.proven, deps.config);
        return {
          id: `agent:${id}`,
          title,
          status: "warn",
          detail: `${s.path}: installed ${proven.installed}, proven ${proven.proven}`,
          fix: `Install the proven release (${install}), or watch a short mission first: ` +
            "this release was not tested with the orchestrator.",
        };
      }
      return { id: `agent:${id}`, title, status: "ok", detail: `${s.path} (${s.version})` };
    }),
  );
}

async function gitIdentityCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const name = (await deps.git(["config", "user.name"])).stdout.trim();
  const email = (await deps.git(["config", "user.email"])).stdout.trim();
  const missing = [name ? "" : "user.name", email ? "" : "user.email"].filter((m) => m !== "");
  if (missing.length === 0) {
    return { id: "git-identity", title: "git identity", status: "ok", detail: `${name} <${email}>` };
  }
  return {
    id: "git-identity",
    title: "git identity",
    status: "fail",
    detail: `git ${missing.join(" and ")} not set: commits of agent work would fail`,
    fix: `git config --global user.name "Your Name" && git config --global user.email you@example.com`,
  };
}

/** `kitty-specs/<mission>/status.events.jsonl` and `status.json`, which the host rewrites. */
const HOST_STATUS_FILE = /^kitty-specs\/[^/]+\/status\.(events\.jsonl|json)$/;

async function repoChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const status = await deps.git(["status", "--porcelain", "--untracked-files=no"]);
  if (status.code !== 0) {
    return [{
      id: "repo",
      title: "repository",
      status: "fail",
      detail: `${deps.repoRoot} is not a git repository (${status.stderr.trim() || status.spawnError || "git failed"})`,
      fix: "Run the orchestrator from your project's git checkout, or pass --repo-root.",
    }];
  }
  // The host's event log and snapshot stay uncommitted by design (flat missions): they are not
  // the user's changes, and stashing them would roll every WP's lane back.
  const dirty = status.stdout.split("\n").filter((l) => l.trim() !== "" && !HOST_STATUS_FILE.test(l.slice(3)));
  const checks: DoctorCheck[] = [
    dirty.length === 0 ? { id: "repo-clean", title: "primary checkout", status: "ok", detail: "clean" } : {
      id: "repo-clean",
      title: "primary checkout",
      status: "warn",
      detail: `${dirty.length} uncommitted change(s): ${dirty.slice(0, 5).map((l) => l.slice(3)).join(", ")}` +
        (dirty.length > 5 ? ", ..." : ""),
      fix: "Commit or stash them before an unattended run (`git status` lists them).",
    },
  ];
  const list = await deps.git(["worktree", "list", "--porcelain"]);
  const stale: string[] = [];
  for (const block of list.stdout.split("\n\n")) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (path === undefined) continue;
    const gone = /^prunable/m.test(block) || !(await Deno.stat(path).then(() => true, () => false));
    if (gone) stale.push(path);
  }
  checks.push(
    stale.length === 0 ? { id: "worktrees", title: "worktrees", status: "ok", detail: "no stale worktrees" } : {
      id: "worktrees",
      title: "worktrees",
      status: "warn",
      detail: `${stale.length} worktree(s) whose directory is gone: ${stale.join(", ")}`,
      fix: "git worktree prune",
    },
  );
  return checks;
}

async function kittifyCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const dir = join(deps.repoRoot, ".kittify");
  const exists = await Deno.stat(dir).then((s) => s.isDirectory, () => false);
  const probeDir = exists ? dir : deps.repoRoot;
  const probe = join(probeDir, `.doctor-write-test-${Deno.pid}-${Date.now()}`);
  try {
    await Deno.writeTextFile(probe, "", { createNew: true });
    await Deno.remove(probe);
  } catch (error) {
    return {
      id: "kittify",
      title: ".kittify/",
      status: "fail",
      detail: `${probeDir} is not writable (${error instanceof Error ? error.message : String(error)})`,
      fix: `Make it writable by the user running the orchestrator: chown -R "$USER" ${probeDir}`,
    };
  }
  return exists ? { id: "kittify", title: ".kittify/", status: "ok", detail: `${dir} is writable` } : {
    id: "kittify",
    title: ".kittify/",
    status: "ok",
    detail: `${dir} will be created (the repository root is writable)`,
  };
}

/** The interpreter a `#!/usr/bin/env node`-style script needs, if any. */
async function envInterpreter(path: string): Promise<string | null> {
  try {
    const file = await Deno.open(path, { read: true });
    try {
      const buf = new Uint8Array(128);
      const n = (await file.read(buf)) ?? 0;
      const first = new TextDecoder().decode(buf.subarray(0, n)).split("\n")[0] ?? "";
      return /^#!\s*\/usr\/bin\/env\s+(?:-S\s+)?([^\s]+)/.exec(first)?.[1] ?? null;
    } finally {
      file.close();
    }
  } catch {
    return null;
  }
}

async function cronCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const path = deps.env["PATH"] ?? "";
  const cronPath = deps.cronPath ?? CRON_PATH;
  const binaries = [
    ...(deps.hostBinary ? [deps.hostBinary] : []),
    "git",
    ...configuredAgentIds(deps.config).map((id) => agentBinary(id, deps.config)),
  ];
  const needDirs: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const visit = async (binary: string) => {
    if (seen.has(binary)) return;
    seen.add(binary);
    const full = await which(binary, path);
    if (full === null) return; // Reported by the agent/host checks.
    if ((await whichAll(binary, cronPath)).length === 0) {
      missing.push(full);
      const dir = dirname(full);
      if (!needDirs.includes(dir)) needDirs.push(dir);
    }
    const interpreter = await envInterpreter(full);
    if (interpreter) await visit(interpreter);
  };
  for (const b of binaries) await visit(b);
  if (missing.length === 0) {
    return { id: "cron", title: "cron PATH", status: "ok", detail: `every binary is reachable with PATH=${cronPath}` };
  }
  return {
    id: "cron",
    title: "cron PATH",
    status: "warn",
    detail: `cron's PATH=${cronPath} would not find: ${missing.join(", ")}`,
    fix: `Put this line at the top of your crontab: PATH=${[...needDirs, cronPath].join(":")}`,
  };
}

/** Runs every check; see the module doc. */
export async function runDoctorChecks(deps: DoctorDeps): Promise<DoctorReport> {
  const [host, agents, identity, repo, kittify, cron] = await Promise.all([
    hostCheck(deps),
    agentChecks(deps),
    gitIdentityCheck(deps),
    repoChecks(deps),
    kittifyCheck(deps),
    cronCheck(deps),
  ]);
  const checks = [host, ...agents, identity, ...repo, kittify, cron];
  return { ok: checks.every((c) => c.status !== "fail"), repoRoot: deps.repoRoot, checks };
}
