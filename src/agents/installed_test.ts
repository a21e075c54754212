import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { createFakeBin } from "../../test/support/fake_agents/mod.ts";
import { checkAgentInstalled } from "./installed.ts";

const config = { agents: {} };

Deno.test("checkAgentInstalled() finds the binary and its version", async () => {
  const fake = await createFakeBin({ codex: { kind: "script", body: "echo 'codex-cli 0.150.0'\n" } });
  try {
    const s = await checkAgentInstalled("codex", config, { PATH: fake.path });
    assertEquals(s, { found: true, path: `${fake.dir}/codex`, version: "codex-cli 0.150.0" });
  } finally {
    await fake.cleanup();
  }
});

Deno.test("checkAgentInstalled() says how to install a missing binary", async () => {
  const s = await checkAgentInstalled("gemini", config, { PATH: "/nonexistent" });
  assertEquals(s.found, false);
  assertStringIncludes(s.fix ?? "", "npm install -g @google/gemini-cli");
});

Deno.test("checkAgentInstalled() reports a binary whose --version fails", async () => {
  const fake = await createFakeBin({ pi: { kind: "script", body: "exit 3\n" } });
  try {
    const s = await checkAgentInstalled("pi", config, { PATH: fake.path });
    assert(s.found && s.version === undefined);
    assertStringIncludes(s.fix ?? "", "exited with code 3");
  } finally {
    await fake.cleanup();
  }
});
