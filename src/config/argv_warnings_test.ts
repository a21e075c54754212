import { parse } from "yaml";
import { assertEquals } from "../../test/support/assert.ts";
import { argvWarnings } from "./argv_warnings.ts";
import { splitWords, yamlFlowList } from "./issues.ts";
import type { CustomAgentConfig, HostConfig } from "../domain/config.ts";

Deno.test("yamlFlowList() splits like a shell and every item round-trips through YAML", () => {
  assertEquals(yamlFlowList("spec-kitty --foo"), "[spec-kitty, --foo]");
  const text = `"/opt/My Tool/x" --flag 'a b' {prompt_file} yes 1.5 x:y @at %p a\\ b`;
  const words = splitWords(text);
  assertEquals(words, ["/opt/My Tool/x", "--flag", "a b", "{prompt_file}", "yes", "1.5", "x:y", "@at", "%p", "a b"]);
  assertEquals(parse(yamlFlowList(text)), words);
});

Deno.test("argvWarnings() flags items with a space that name no file, skipping paths that exist and templates", () => {
  const host: HostConfig = {
    kind: "spec-kitty",
    command: ["/opt/My Tool/sk", "orchestrate now"],
    timeoutMs: 1,
    heartbeatMs: 1,
  };
  const agent: CustomAgentConfig = {
    id: "a",
    command: ["aider", "--message {prompt}", "--model gpt-5"],
    reviewCommand: ["aider review"],
    prompt: "arg",
    output: "text",
    passEnv: [],
    family: "custom",
  };
  const seen: string[] = [];
  const warnings = argvWarnings({ host, agents: { a: agent } }, "/repo", (p) => {
    seen.push(p);
    return p === "/opt/My Tool/sk";
  });
  assertEquals(warnings.map((w) => w.path), [
    "host.command[1]",
    "agents.a.command[2]",
    "agents.a.review_command[0]",
  ]);
  assertEquals(
    warnings[1]?.message,
    'agents.a.command[2] is the single argument "--model gpt-5": it contains a space and names no existing file; ' +
      'if it is several arguments, write them as separate items: [aider, "--message {prompt}", --model, gpt-5]',
  );
  assertEquals(seen.includes("/repo/orchestrate now"), true, "relative items are also tried against the repo");
});
