import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { assert, assertEquals } from "../../test/support/assert.ts";
import { parseConfigText } from "./parse.ts";
import { resolveConfig } from "./resolve.ts";

const DIR = fileURLToPath(new URL("../../pipelines/", import.meta.url));

Deno.test("every file in pipelines/ validates and carries the schema header", async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(DIR)) if (entry.name.endsWith(".yaml")) names.push(entry.name);
  assert(names.length >= 4, `expected at least 4 pipeline files, found ${names.join(", ")}`);
  for (const name of names) {
    const text = await Deno.readTextFile(join(DIR, name));
    assert(text.startsWith("# yaml-language-server: $schema="), `${name} lacks the schema header`);
    resolveConfig(parseConfigText(text, name), {}, name);
  }
});

Deno.test("pipelines/ examples resolve to the advertised chains", async () => {
  const load = async (name: string) =>
    resolveConfig(parseConfigText(await Deno.readTextFile(join(DIR, name)), name), {}, name).pipelines.default!;
  assertEquals((await load("claude-codex.yaml")).implement.agents, ["claude-code", "codex"]);
  assertEquals((await load("claude-codex.yaml")).review.agents, ["codex"]);
  assertEquals((await load("codex-claude.yaml")).implement.agents, ["codex", "claude-code"]);
  assertEquals((await load("single-agent.yaml")).review.agents, ["claude-code"]);
  const demo = resolveConfig(parseConfigText(await Deno.readTextFile(join(DIR, "demo.yaml")), "demo"), {}, "demo");
  assertEquals(demo.host.kind, "builtin");
  assertEquals(demo.agents["demo-impl"]?.command, [
    "bash",
    "{repo_root}/.kittify/demo-agent.sh",
    "{role}",
    "{prompt_file}",
    "{wp}",
  ]);
  assertEquals(demo.pipelines.default!.review.agents, ["demo-review"]);
});
