import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { memoryTerminal } from "../output/terminal.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import type { ValidateOptions } from "./options.ts";
import { runValidate } from "./validate.ts";

async function withRepo(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "validate-" }));
  await Deno.mkdir(join(root, ".kittify"));
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const opts = (root: string, extra: Partial<ValidateOptions> = {}): ValidateOptions => ({
  repoRoot: root,
  json: false,
  ...extra,
});

Deno.test("runValidate() summarises what the file resolves to", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(
      join(root, "orchestration.yaml"),
      `version: 1
max_concurrent: 2
pipelines:
  default:
    implement: { agents: [claude-code, my-agent], timeout: 1h }
    review: { agents: [codex] }
select:
  - { wp: "WP0[1-3]", pipeline: default }
agents:
  my-agent: { command: ["{repo_root}/a.sh"], pass_env: [OPENAI_API_KEY] }
notify:
  - { kind: slack, url_env: SLACK_URL, events: [run_failed] }
`,
    );
    await Deno.writeTextFile(join(root, ".kittify", "orchestration.yaml"), "version: 1\n");
    const term = memoryTerminal();
    assertEquals(await runValidate(opts(root), term, root), 0);
    const text = term.text();
    assertStringIncludes(text, "Valid.");
    assertStringIncludes(text, `source          ${join(root, "orchestration.yaml")}`);
    assertStringIncludes(text, "max_concurrent  2");
    assertStringIncludes(text, "implement claude-code -> my-agent");
    assertStringIncludes(text, "timeout 1h, stall 10m; 2 attempts per agent, wait 30s x2 up to 10m (jittered)");
    assertStringIncludes(text, "1. wp WP0[1-3] -> default");
    assertStringIncludes(text, "passes env: OPENAI_API_KEY");
    assertStringIncludes(text, "slack via $SLACK_URL: run_failed");
    assertStringIncludes(text, ".kittify/orchestration.yaml is ignored");
  });
});

Deno.test("runValidate() applies flag overrides as orchestrate would", async () => {
  await withRepo(async (root) => {
    const term = memoryTerminal();
    assertEquals(await runValidate(opts(root, { implAgent: "codex", maxConcurrent: 9 }), term, root), 0);
    assertStringIncludes(term.text(), "No orchestration.yaml: the defaults apply.");
    assertStringIncludes(term.text(), "source          none found: built-in defaults");
    assertStringIncludes(term.text(), "max_concurrent  9");
    assertStringIncludes(term.text(), "implement codex");
  });
});

Deno.test("runValidate() --json prints the resolved config", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "x.yaml"), "version: 1\nactor: bot\n");
    const term = memoryTerminal({ json: true });
    assertEquals(await runValidate(opts(root, { json: true, config: "x.yaml" }), term, root), 0);
    const out = JSON.parse(term.out.join("")) as { ok: boolean; config: ResolvedConfig };
    assert(out.ok);
    assertEquals([out.config.actor, out.config.source], ["bot", join(root, "x.yaml")]);
  });
});

Deno.test("runValidate() exits 2 and lists problems with file:line:col", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "orchestration.yaml"), "version: 1\ndefaults:\n  stall_timout: 5m\n");
    const term = memoryTerminal();
    assertEquals(await runValidate(opts(root), term, root), 2);
    assertStringIncludes(
      term.err.join(""),
      "orchestration.yaml:3:3: defaults.stall_timout is not a known key; did you mean `stall_timeout`?",
    );
    const json = memoryTerminal({ json: true });
    assertEquals(await runValidate(opts(root, { json: true, implAgent: "nope" }), json, root), 2);
    assertEquals((JSON.parse(json.out.join("")) as { ok: boolean }).ok, false);
  });
});

Deno.test("runValidate() exits 2 for unknown flag values", async () => {
  await withRepo(async (root) => {
    const term = memoryTerminal();
    assertEquals(await runValidate(opts(root, { pipeline: "defualt" }), term, root), 2);
    assertStringIncludes(term.text(), "did you mean `default`?");
  });
});

Deno.test("runValidate() suggests the split list for a command string and warns on an argv item with a space", async () => {
  await withRepo(async (root) => {
    await Deno.writeTextFile(join(root, "orchestration.yaml"), 'version: 1\nhost:\n  command: "spec-kitty --foo"\n');
    const bad = memoryTerminal();
    assertEquals(await runValidate(opts(root), bad, root), 2);
    assertStringIncludes(bad.err.join(""), "host.command must be a list");
    assertStringIncludes(bad.err.join(""), "write a list, e.g. [spec-kitty, --foo]");

    await Deno.mkdir(join(root, "My Tools"));
    await Deno.writeTextFile(join(root, "My Tools", "host"), "#!/bin/sh\n");
    await Deno.writeTextFile(
      join(root, "orchestration.yaml"),
      'version: 1\nhost:\n  command: ["spec-kitty --foo"]\nagents:\n  mine:\n' +
        '    command: ["My Tools/host", "--message", "do {wp} now", "--model gpt-5", "{prompt_file}"]\n    prompt: file\n',
    );
    const term = memoryTerminal();
    assertEquals(await runValidate(opts(root), term, root), 0);
    const err = term.err.join("");
    assertStringIncludes(err, 'host.command[0] is the single argument "spec-kitty --foo"');
    assertStringIncludes(err, "write them as separate items: [spec-kitty, --foo]");
    assertStringIncludes(err, 'agents.mine.command[3] is the single argument "--model gpt-5"');
    assertStringIncludes(err, '["My Tools/host", --message, "do {wp} now", --model, gpt-5, "{prompt_file}"]');
    assert(!err.includes('command[0] is the single argument "My Tools/host"'), "an existing path is fine");
    assert(!err.includes('do {wp} now" '), "templated text is fine");
    assertEquals((err.match(/is the single argument/g) ?? []).length, 2, err);
    const json = memoryTerminal({ json: true });
    assertEquals(await runValidate(opts(root, { json: true }), json, root), 0);
    assertEquals((JSON.parse(json.out.join("")) as { warnings: string[] }).warnings.length, 2);
  });
});
