/**
 * The pinned real agent CLIs (`scripts/agent_clis.json`, installed by
 * `scripts/install_agents.sh` into `.tools/agents/`): where their binaries are, and a PATH that
 * holds exactly those (plus the system directories, never a user's global npm bin), so a test
 * can never drive some other release by accident. A missing CLI is a test failure, not a skip.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One manifest entry. */
export interface PinnedCli {
  agent: string;
  package: string;
  version: string;
  bin: string;
}

/** The repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

/** Where the pinned CLIs' binaries are linked. */
export const PINNED_BIN_DIR: string = join(REPO_ROOT, ".tools", "agents", "node_modules", ".bin");

/** The manifest, read once. */
export const PINNED: readonly PinnedCli[] = (JSON.parse(
  Deno.readTextFileSync(join(REPO_ROOT, "scripts", "agent_clis.json")),
) as { agents: PinnedCli[] }).agents;

/** The manifest entry for `agent`; throws when the manifest has none (a test bug). */
export function pinned(agent: string): PinnedCli {
  const p = PINNED.find((c) => c.agent === agent);
  if (!p) throw new Error(`scripts/agent_clis.json pins no CLI for agent '${agent}'`);
  return p;
}

/** Directories a CLI may need besides the pinned ones: node, git, bash, coreutils. */
function systemPath(): string[] {
  const node = new Deno.Command("sh", { args: ["-c", "command -v node"], stdout: "piped" }).outputSync();
  const nodeDir = new TextDecoder().decode(node.stdout).trim().replace(/\/node$/, "");
  return [nodeDir, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].filter((d) =>
    d !== ""
  );
}

/**
 * PATH for a test that drives real CLIs: the pinned bin dir first, `extra` dirs next (e.g. a
 * directory holding a `spec-kitty` shim), then the system dirs.
 */
export function pinnedPath(extra: readonly string[] = []): string {
  return [PINNED_BIN_DIR, ...extra, ...systemPath()].join(":");
}

/**
 * The absolute path of the pinned binary of `agent`; throws with the install command when it
 * is missing, so the test fails saying what to do.
 */
export function pinnedBinary(agent: string): string {
  const p = pinned(agent);
  const path = join(PINNED_BIN_DIR, p.bin);
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `${p.package}@${p.version} is not installed at ${path}; run scripts/install_agents.sh (the test gate does)`,
    );
  }
  return path;
}
