import { assertEquals } from "../../test/support/assert.ts";
import type { CustomAgentConfig } from "../domain/config.ts";
import { customDefinition } from "./custom.ts";
import { substituteArgv } from "./definition.ts";

const cfg = (over: Partial<CustomAgentConfig>): CustomAgentConfig => ({
  id: "mine",
  command: ["my-agent", "--cwd", "{workspace}"],
  prompt: "stdin",
  output: "text",
  passEnv: ["MY_KEY"],
  family: "custom",
  ...over,
});

Deno.test("customDefinition() appends the prompt placeholder for arg/file delivery", () => {
  assertEquals(customDefinition(cfg({ prompt: "arg" })).implementArgv, [
    "my-agent",
    "--cwd",
    "{workspace}",
    "{prompt}",
  ]);
  assertEquals(customDefinition(cfg({ prompt: "file" })).implementArgv.at(-1), "{prompt_file}");
  assertEquals(customDefinition(cfg({ prompt: "stdin" })).implementArgv, ["my-agent", "--cwd", "{workspace}"]);
});

Deno.test("customDefinition() uses reviewCommand for reviewers", () => {
  const def = customDefinition(cfg({ reviewCommand: ["my-agent", "--read-only"] }));
  assertEquals(def.reviewArgv, ["my-agent", "--read-only"]);
  assertEquals(def.dangerousFlags.review, ["custom:mine"]);
});

Deno.test("substituteArgv() replaces placeholders as single arguments, without re-expansion", () => {
  const argv = substituteArgv(["a", "{prompt}", "--wp={wp}", "{mission}"], {
    prompt: "x; rm -rf / {wp}",
    prompt_file: "/p",
    workspace: "/w",
    repo_root: "/r",
    role: "review",
    wp: "WP01",
    mission: "001 demo",
  });
  assertEquals(argv, ["a", "x; rm -rf / {wp}", "--wp=WP01", "001 demo"]);
});
