/**
 * The runner with real processes: fake agent CLIs replaying recorded samples and acting out
 * failure classes, prompt delivery, environment filtering and log handling.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { claudeResult, createFakeBin, type FakeBin, type FakeMode } from "../../test/support/fake_agents/mod.ts";
import { defaultResolvedConfig } from "../config/mod.ts";
import type { CustomAgentConfig, ResolvedConfig } from "../domain/config.ts";
import { createAgentRunner, promptPathFor } from "./runner.ts";
import type { AgentRole, AttemptResult } from "../domain/agent.ts";
import { mtimeScanProbe } from "./workspace_probe.ts";
import { parseVerdict } from "../core/verdict.ts";
import { getAgent } from "./registry.ts";

interface Harness {
  fake: FakeBin;
  dir: string;
  run(
    agentId: string,
    opts?: { role?: AgentRole; prompt?: string; env?: Record<string, string>; logName?: string; wp?: string },
  ): Promise<AttemptResult>;
  config: ResolvedConfig;
  cleanup(): Promise<void>;
}

async function harness(
  agents: Record<string, FakeMode>,
  extra: { custom?: Record<string, CustomAgentConfig>; sourceEnv?: Record<string, string> } = {},
): Promise<Harness> {
  const fake = await createFakeBin(agents);
  const dir = await Deno.makeTempDir({ prefix: "runner-test-" });
  await Deno.mkdir(`${dir}/ws`);
  const config: ResolvedConfig = { ...defaultResolvedConfig(), logMaxBytes: 1024 * 1024, agents: extra.custom ?? {} };
  const runner = createAgentRunner({
    config,
    repoRoot: dir,
    mission: "001-demo",
    env: { PATH: fake.path, HOME: dir, ...extra.sourceEnv },
    graceMs: 300,
    pollMs: 100,
    probe: mtimeScanProbe,
    now: () => Date.UTC(2025, 5, 23),
  });
  let n = 0;
  return {
    fake,
    dir,
    config,
    run: (agentId, opts = {}) =>
      runner.run({
        agentId,
        role: opts.role ?? "implement",
        workspace: `${dir}/ws`,
        prompt: opts.prompt ?? "Do WP01.",
        logPath: `${dir}/logs/${opts.logName ?? `attempt-${++n}`}.log`,
        timeoutMs: 20_000,
        stallTimeoutMs: 20_000,
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.wp ? { wp: opts.wp } : {}),
      }),
    cleanup: async () => {
      await runner.terminateAll();
      await fake.cleanup();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("runner.run() reports success, final message and cost from a claude sample", async () => {
  const h = await harness({ claude: { kind: "replay", cli: "claude", case: "success" } });
  try {
    const r = await h.run("claude-code");
    assertEquals([r.ok, r.failure, r.exitCode, r.costUsd], [true, null, 0, 0.1843]);
    assertStringIncludes(r.finalMessage, "Implemented WP01");
    assert(r.pgid !== null && r.pgid > 0);
    const log = await Deno.readTextFile(r.logPath);
    assertStringIncludes(log, "agent=claude-code role=implement");
    assertStringIncludes(log, '"total_cost_usd":0.1843');
    assertStringIncludes(log, "=== exit code=0");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() maps recorded failures to their classes", async () => {
  const cases: [string, string, string, string, string][] = [
    ["claude", "claude-code", "claude", "auth", "auth"],
    ["codex", "codex", "codex", "usage_limit", "rate_limit"],
    ["opencode", "opencode", "opencode", "model_not_found", "model_not_found"],
    ["gemini", "gemini", "gemini", "untrusted_workspace", "config"],
    ["pi", "pi", "pi", "error", "rate_limit"],
    ["cursor-agent", "cursor", "cursor", "untrusted_workspace", "config"],
  ];
  const h = await harness(
    Object.fromEntries(cases.map(([bin, , cli, name]) => [bin, { kind: "replay", cli, case: name }])),
  );
  try {
    for (const [, id, cli, name, cls] of cases) {
      const r = await h.run(id);
      assertEquals([r.ok, r.failure?.class], [false, cls], `${cli}/${name}`);
    }
    const codex = await h.run("codex");
    assert((codex.failure?.retryAfterMs ?? 0) > 0, "codex usage limit carries a retry delay");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() classifies exit 0 with unparseable output as bad_output", async () => {
  const h = await harness({ claude: { kind: "output", stdout: "I did it!\n" } });
  try {
    assertEquals((await h.run("claude-code")).failure?.class, "bad_output");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() streams the prompt to stdin and closes it", async () => {
  const h = await harness({});
  try {
    await h.fake.set("claude", {
      kind: "capture",
      stdinFile: `${h.dir}/stdin.txt`,
      argvFile: `${h.dir}/argv.txt`,
      stdout: claudeResult("ok"),
    });
    const prompt = "line1\n" + "y".repeat(300_000) + "\nend";
    const r = await h.run("claude-code", { prompt, role: "review" });
    assert(r.ok, r.failure?.message);
    assertEquals(await Deno.readTextFile(`${h.dir}/stdin.txt`), prompt);
    const argv = await Deno.readTextFile(`${h.dir}/argv.txt`);
    assertStringIncludes(argv, "dontAsk");
    assert(!argv.includes("line1"));
    assertEquals(await Deno.readTextFile(promptPathFor(r.logPath)), prompt);
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() passes argv prompts as one argument and refuses them above 100 KiB", async () => {
  const h = await harness({});
  try {
    await h.fake.set("copilot", { kind: "capture", stdinFile: `${h.dir}/in`, argvFile: `${h.dir}/argv.txt` });
    await h.run("copilot", { prompt: "fix it; rm -rf /" });
    assertStringIncludes(await Deno.readTextFile(`${h.dir}/argv.txt`), "-p\nfix it; rm -rf /\n--allow-all-tools");
    const big = await h.run("copilot", { prompt: "z".repeat(101 * 1024) });
    assertEquals(big.failure?.class, "config");
    assertStringIncludes(big.failure?.message ?? "", "at most 102400 bytes");
    assert(!(await Deno.readTextFile(big.logPath)).includes("z".repeat(300)), "log never holds the whole prompt");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() substitutes custom agent placeholders without a shell", async () => {
  const custom: CustomAgentConfig = {
    id: "mine",
    command: ["my-agent", "--ws", "{workspace}", "--wp={wp}", "{mission}", "{role}", "{prompt_file}"],
    prompt: "file",
    output: "text",
    passEnv: [],
    family: "custom",
  };
  const h = await harness({}, { custom: { mine: custom } });
  try {
    await h.fake.set("my-agent", {
      kind: "capture",
      stdinFile: `${h.dir}/in`,
      argvFile: `${h.dir}/argv.txt`,
      stdout: "done\n",
    });
    const r = await h.run("mine", { wp: "WP01", logName: "x" });
    assertEquals([r.ok, r.finalMessage], [true, "done"]);
    assertEquals(
      (await Deno.readTextFile(`${h.dir}/argv.txt`)).trim().split("\n"),
      ["--ws", `${h.dir}/ws`, "--wp=WP01", "001-demo", "implement", `${h.dir}/logs/x.prompt.md`],
    );
    assertEquals(await Deno.readTextFile(`${h.dir}/in`), "");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() gives agents only the allow-listed environment", async () => {
  const h = await harness({}, {
    sourceEnv: { ANTHROPIC_API_KEY: "sk-ant", MY_SECRET_TOKEN: "leak", OPENAI_API_KEY: "sk-oai", LC_ALL: "C" },
  });
  try {
    await h.fake.set("claude", { kind: "env_dump", file: `${h.dir}/env.txt`, stdout: claudeResult("ok") });
    const r = await h.run("claude-code", { env: { SPEC_EXTRA: "1" } });
    assert(r.ok, r.failure?.message);
    const env = await Deno.readTextFile(`${h.dir}/env.txt`);
    assertStringIncludes(env, "ANTHROPIC_API_KEY=sk-ant\n");
    assertStringIncludes(env, "NO_COLOR=1\n");
    assertStringIncludes(env, "SPEC_EXTRA=1\n");
    assertStringIncludes(env, "LC_ALL=C\n");
    assert(!env.includes("MY_SECRET_TOKEN"), "unlisted secret leaked");
    assert(!env.includes("OPENAI_API_KEY"), "another agent's key leaked");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() reports a missing binary as crash naming it and how to install", async () => {
  const h = await harness({});
  try {
    const r = await h.run("letta");
    assertEquals([r.ok, r.failure?.class, r.pgid], [false, "crash", null]);
    assertStringIncludes(r.failure?.message ?? "", "'letta' was not found on PATH");
    assertStringIncludes(r.failure?.message ?? "", "npm install -g @letta-ai/letta-code");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() reports a missing workspace as crash without spawning", async () => {
  const h = await harness({ claude: { kind: "replay", cli: "claude", case: "success" } });
  try {
    await Deno.remove(`${h.dir}/ws`);
    const r = await h.run("claude-code");
    assertEquals([r.failure?.class, r.pgid], ["crash", null]);
    assertStringIncludes(r.failure?.message ?? "", "workspace must be an existing directory");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() never overwrites a log: a reused path rejects", async () => {
  const h = await harness({ claude: { kind: "replay", cli: "claude", case: "success" } });
  try {
    await h.run("claude-code", { logName: "same" });
    await assertRejects(() => h.run("claude-code", { logName: "same" }), Deno.errors.AlreadyExists);
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() rejects an unknown agent id (a programming error)", async () => {
  const h = await harness({});
  try {
    await assertRejects(() => h.run("nope"));
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() drops a 50 MB stdout line of a JSONL agent, marks it in the log, and still parses the rest", async () => {
  const body = `cat > /dev/null
printf '%s\\n' '{"type":"item.completed","item":{"type":"agent_message","text":"Done."}}'
head -c 50000000 /dev/zero | tr '\\0' x
printf '\\n%s\\n' '{"type":"turn.completed","usage":{"input_tokens":5,"output_tokens":1}}'
`;
  const h = await harness({ codex: { kind: "script", body } });
  try {
    const r = await h.run("codex");
    assertEquals([r.ok, r.finalMessage, r.tokens], [true, "Done.", { input: 5, output: 1 }]);
    const log = await Deno.readTextFile(r.logPath);
    assertStringIncludes(log, "1 stdout line(s) over the parser's line limit skipped, longest 50000000 bytes");
  } finally {
    await h.cleanup();
  }
});

Deno.test("runner.run() gives the codex reviewer a verdict schema file and reads its structured verdict", async () => {
  const schemaDir = await Deno.makeTempDir();
  const schemaCopy = `${schemaDir}/schema.json`;
  // The fake codex copies the file named after --output-schema and answers with the structured object.
  const body = `
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  if [ "\${args[$i]}" = "--output-schema" ]; then cp "\${args[$((i + 1))]}" ${JSON.stringify(schemaCopy)}; fi
done
cat > /dev/null
printf '%s\\n' '{"type":"thread.started","thread_id":"t"}' '{"type":"turn.started"}' \\
  '{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"{\\"verdict\\":\\"changes_requested\\",\\"feedback\\":\\"add tests\\"}"}}' \\
  '{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}'
`;
  const h = await harness({ codex: { kind: "script", body } });
  try {
    const result = await h.run("codex", { role: "review" });
    assertEquals(result.ok, true, result.failure?.message);
    const schema = JSON.parse(await Deno.readTextFile(schemaCopy));
    assertEquals(schema.properties.verdict.enum, ["approved", "changes_requested"]);
    assertEquals(parseVerdict(result.finalMessage), { verdict: "changes_requested", feedback: "add tests" });
  } finally {
    await h.cleanup();
    await Deno.remove(schemaDir, { recursive: true });
  }
});

Deno.test("the claude-code reviewer asks for structured output with the verdict schema", () => {
  const argv = getAgent("claude-code", defaultResolvedConfig()).reviewArgv;
  const at = argv.indexOf("--json-schema");
  assert(at > 0, argv.join(" "));
  assertEquals(JSON.parse(argv[at + 1]!).required, ["verdict", "feedback"]);
});
