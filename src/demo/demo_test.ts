import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { parseVerdict } from "../core/verdict.ts";
import { UserError } from "../domain/errors.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { createDemo } from "./demo.ts";
import { DEMO_ORCHESTRATION_YAML } from "./demo_files.ts";
import { callApi } from "../../test/support/mission_fixture.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
const GIT_ENV = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };

async function run(cwd: string, cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = await new Deno.Command(cmd, { args, cwd, env: GIT_ENV, stdin: "null" }).output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout), err: new TextDecoder().decode(out.stderr) };
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

async function withDemo(body: (root: string) => Promise<void>): Promise<void> {
  const parent = await Deno.realPath(await Deno.makeTempDir({ prefix: "sko-demo-" }));
  try {
    const root = join(parent, "demo");
    await createDemo(root, memoryTerminal());
    await body(root);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
}

Deno.test("createDemo() makes a clean repo on feature/demo whose mission is ready at the chain heads", async () => {
  await withDemo(async (root) => {
    assertEquals((await run(root, "git", ["rev-parse", "--abbrev-ref", "HEAD"])).out.trim(), "feature/demo");
    assertEquals((await run(root, "git", ["status", "--porcelain"])).out, "");
    assertEquals((await run(root, "git", ["rev-list", "--count", "main"])).out.trim(), "1");
    const ready = await callApi(root, ["list-ready", "--mission", "001-demo"]);
    assertEquals((ready.data.ready_work_packages as { wp_id: string }[]).map((w) => w.wp_id), ["WP01", "WP04"]);
    const state = await callApi(root, ["mission-state", "--mission", "001-demo"]);
    assertEquals((state.data.summary as Record<string, number>).planned, 5);
    const ws = await callApi(root, ["resolve-workspace", "--mission", "001-demo", "--wp", "WP05"]);
    assertEquals(ws.data.lane_id, "lane-b");
    const gitignore = await Deno.readTextFile(join(root, ".gitignore"));
    for (const entry of [".worktrees/", ".kittify/logs/", ".kittify/runs/", ".kittify/orchestrator-*"]) {
      assertStringIncludes(gitignore, entry);
    }
  });
});

Deno.test("createDemo() refuses a non-empty directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "x"), "x");
    await assertRejects(() => createDemo(dir, memoryTerminal()), UserError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the demo's orchestration.yaml is pipelines/demo.yaml", async () => {
  const file = await Deno.readTextFile(new URL("../../pipelines/demo.yaml", import.meta.url));
  assertEquals(DEMO_ORCHESTRATION_YAML, file);
});

Deno.test("demo-agent.sh implements without committing and runs the prompt's mark-status commands", async () => {
  await withDemo(async (root) => {
    const head = (await run(root, "git", ["rev-parse", "HEAD"])).out;
    const command = [Deno.execPath(), "run", "-A", "--config", CONFIG, MAIN, "host", "agent", "tasks", "mark-status"];
    const line = (id: string) =>
      "    " + [...command, id, "--status", "done", "--mission", "001-demo"].map(shq).join(" ");
    const prompt = join(root, "..", "prompt.md");
    await Deno.writeTextFile(
      prompt,
      `## Agent Subtask Completion Protocol\n\nRun these:\n\n${line("T001")}\n${line("T002")}\n\n` +
        "This keeps progress accurate.\n\n---\n\n---\ntitle: Greeting notes\n---\n# WP01\n\n    mark-status T009 is not a command\n",
    );
    const result = await run(root, "bash", [".kittify/demo-agent.sh", "implement", prompt, "WP01"]);
    assertEquals(result.code, 0, result.err);
    assertStringIncludes(result.out, "marked 2 subtask(s)");
    assertStringIncludes(await Deno.readTextFile(join(root, "demo", "WP01.md")), "# WP01: Greeting notes");
    assertEquals((await run(root, "git", ["rev-parse", "HEAD"])).out, head, "the agent never commits");
    const status = JSON.parse(await Deno.readTextFile(join(root, "kitty-specs", "001-demo", "status.json")));
    assertEquals(status.work_packages.WP01.subtasks, { T001: "done", T002: "done" });
    await run(root, "bash", [".kittify/demo-agent.sh", "implement", prompt, "WP01"]);
    assertStringIncludes(await Deno.readTextFile(join(root, "demo", "WP01.md")), "- pass 2");
  });
});

Deno.test("demo-agent.sh reviews: WP02 is sent back once, everything else approved", async () => {
  await withDemo(async (root) => {
    const prompt = join(root, "..", "review.md");
    await Deno.writeTextFile(prompt, "Review this.\n");
    const review = async (wp: string) => {
      const result = await run(root, "bash", [".kittify/demo-agent.sh", "review", prompt, wp]);
      assertEquals(result.code, 0, result.err);
      return parseVerdict(result.out)?.verdict;
    };
    assertEquals(await review("WP01"), "approved");
    assertEquals(await review("WP02"), "changes_requested");
    assertEquals(await review("WP02"), "approved");
    assert((await run(root, "git", ["status", "--porcelain"])).out === "", "markers are ignored by git");
    assertEquals((await run(root, "bash", [".kittify/demo-agent.sh", "bogus", prompt, "WP01"])).code, 2);
  });
});
