import { assert, assertEquals, assertThrows } from "../../test/support/assert.ts";
import { ConfigError } from "../domain/errors.ts";
import { BUILTIN_AGENT_IDS } from "../domain/agent_ids.ts";
import { agentBinary, agentFamily, agentPromptLimit, dangerousFlagsFor, findAgent, getAgent } from "./registry.ts";

const config = {
  agents: {
    mine: {
      id: "mine",
      command: ["my-bin", "{prompt}"],
      prompt: "arg" as const,
      output: "text" as const,
      passEnv: [],
      family: "custom",
    },
  },
};

const BANNED_FLAGS = [
  "--full-auto",
  "--yolo",
  "--dangerously-bypass-approvals-and-sandbox",
  "--dangerously-skip-permissions",
];
const SECRET_WORDS = ["token", "secret", "key", "password", "credential"];

Deno.test("registry knows all eleven built-in agents with binaries and families", () => {
  assertEquals(BUILTIN_AGENT_IDS.length, 11);
  for (const id of BUILTIN_AGENT_IDS) {
    const def = getAgent(id, config);
    assert(def.implementArgv.length > 0 && def.reviewArgv.length > 0, id);
    assertEquals(def.implementArgv[0], def.reviewArgv[0], id);
  }
  assertEquals(agentBinary("claude-code", config), "claude");
  assertEquals(agentBinary("cursor", config), "cursor-agent");
  assertEquals(agentBinary("kilocode", config), "kilo");
  assertEquals(agentBinary("augment", config), "auggie");
  assertEquals(agentFamily("claude-code", config), "claude");
  assertEquals(agentFamily("mine", config), "custom");
});

Deno.test("registry argv uses no removed or non-agent command lines", () => {
  const all = BUILTIN_AGENT_IDS.flatMap((
    id,
  ) => [...getAgent(id, config).implementArgv, ...getAgent(id, config).reviewArgv]);
  for (const bad of ["--full-auto", "--acp", "suggest", "gh"]) assert(!all.includes(bad), bad);
  assert(getAgent("letta", config).reviewArgv.join(" ").includes("--permission-mode standard"));
  assert(!getAgent("claude-code", config).reviewArgv.includes("--dangerously-skip-permissions"));
  assertEquals(getAgent("gemini", config).env["GEMINI_CLI_TRUST_WORKSPACE"], "true");
});

Deno.test("registry prompt delivery matches the CLI", () => {
  const argvPrompt = BUILTIN_AGENT_IDS.filter((id) => getAgent(id, config).prompt === "arg");
  assertEquals(argvPrompt, ["copilot", "cursor"]);
  assertEquals(getAgent("augment", config).prompt, "file");
});

Deno.test("dangerousFlagsFor() is honest and acceptable to the host", () => {
  const flags = dangerousFlagsFor(BUILTIN_AGENT_IDS, config);
  assert(flags.includes("claude:skip-permissions"));
  assert(flags.includes("codex:workspace-write"));
  assert(flags.includes("gemini:yolo"));
  for (const flag of flags) {
    assert(!BANNED_FLAGS.includes(flag), flag);
    for (const word of SECRET_WORDS) assert(!flag.toLowerCase().includes(word), flag);
  }
  for (const id of BUILTIN_AGENT_IDS) {
    for (const word of SECRET_WORDS) assert(!agentFamily(id, config).includes(word), id);
  }
  assertEquals(dangerousFlagsFor(["claude-code", "codex"], config, "review"), []);
  assertEquals(dangerousFlagsFor(["mine"], config), ["custom:mine"]);
});

Deno.test("getAgent() rejects unknown ids with a ConfigError naming the known ones", () => {
  assertEquals(findAgent("nope", config), null);
  const error = assertThrows(() => getAgent("nope", config), ConfigError);
  assert(error.message.includes("claude-code") && error.message.includes("mine"));
});

Deno.test("agentPromptLimit() caps argv-prompt agents only", () => {
  assertEquals(agentPromptLimit("copilot", config), 100 * 1024);
  assertEquals(agentPromptLimit("mine", config), 100 * 1024);
  assertEquals(agentPromptLimit("claude-code", config), null);
});
