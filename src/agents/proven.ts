/**
 * The agent CLI releases this version of the orchestrator was proven against: the suite drives
 * exactly these (pinned in `scripts/agent_clis.json`, installed by `scripts/install_agents.sh`)
 * offline against a scripted model server. Compiled into the binary so `doctor` can tell a user
 * whose CLI is a different release that what they run was not proven here.
 *
 * `proven_test.ts` asserts this table equals the manifest, so the two cannot drift: bump both
 * together, and only after the real-CLI tests pass with the new release.
 *
 * @module
 */

/** Agent id → the exact CLI release proven by the suite. */
export const PROVEN_VERSIONS: Readonly<Record<string, string>> = {
  "claude-code": "2.1.328",
  codex: "0.169.0",
  opencode: "1.18.33",
  gemini: "0.61.0",
  qwen: "0.24.4",
  pi: "0.73.1",
  copilot: "1.0.102",
  augment: "0.36.0",
  kilocode: "7.7.7",
  letta: "0.32.18",
};

/**
 * The release number in a CLI's `--version` line (`2.1.328 (Claude Code)`,
 * `codex-cli 0.169.0`, `GitHub Copilot CLI 1.0.102.`), or null when it has none.
 */
export function versionNumberOf(line: string): string | null {
  return /(?:^|[^\d.])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(line)?.[1]?.replace(/\.$/, "") ?? null;
}

/** How an installed CLI compares with the proven release. */
export type ProvenStatus =
  | { kind: "proven"; version: string }
  | { kind: "other"; installed: string; proven: string }
  | { kind: "unknown-version"; proven: string }
  | { kind: "not-pinned" };

/** Compares the `--version` line of agent `id`'s CLI with {@link PROVEN_VERSIONS} (pure). */
export function provenStatus(id: string, versionLine: string): ProvenStatus {
  const proven = PROVEN_VERSIONS[id];
  if (proven === undefined) return { kind: "not-pinned" };
  const installed = versionNumberOf(versionLine);
  if (installed === null) return { kind: "unknown-version", proven };
  return installed === proven ? { kind: "proven", version: installed } : { kind: "other", installed, proven };
}
