import { assertEquals } from "../../test/support/assert.ts";
import { isBuiltinAgentId } from "../domain/agent_ids.ts";
import { PROVEN_VERSIONS, provenStatus, versionNumberOf } from "./proven.ts";

Deno.test("PROVEN_VERSIONS equals the pinned manifest scripts/agent_clis.json (they cannot drift)", async () => {
  const manifest = JSON.parse(
    await Deno.readTextFile(new URL("../../scripts/agent_clis.json", import.meta.url)),
  ) as { agents: { agent: string; version: string }[] };
  const pinned = Object.fromEntries(manifest.agents.map((a) => [a.agent, a.version]));
  assertEquals({ ...PROVEN_VERSIONS }, pinned);
  for (const id of Object.keys(PROVEN_VERSIONS)) assertEquals(isBuiltinAgentId(id), true, `${id} is no built-in agent`);
});

Deno.test("versionNumberOf() reads the release from each pinned CLI's real --version line", () => {
  // The first line each pinned release printed for `--version`.
  const lines: [string, string][] = [
    ["2.1.328 (Claude Code)", "2.1.328"],
    ["codex-cli 0.169.0", "0.169.0"],
    ["1.18.33", "1.18.33"],
    ["GitHub Copilot CLI 1.0.102.", "1.0.102"],
    ["0.36.0 (commit 7c61e5bb)", "0.36.0"],
    ["v1.2.3-beta.1", "1.2.3-beta.1"],
  ];
  for (const [line, want] of lines) assertEquals(versionNumberOf(line), want, line);
  assertEquals(versionNumberOf("claude (fake)"), null);
});

Deno.test("provenStatus() tells the proven release from another one, an unreadable one and an unpinned agent", () => {
  assertEquals(provenStatus("codex", "codex-cli 0.169.0"), { kind: "proven", version: "0.169.0" });
  assertEquals(provenStatus("codex", "codex-cli 0.170.1"), { kind: "other", installed: "0.170.1", proven: "0.169.0" });
  assertEquals(provenStatus("claude-code", "Claude Code"), { kind: "unknown-version", proven: "2.1.328" });
  assertEquals(provenStatus("cursor", "2026.01.01"), { kind: "not-pinned" });
});
