import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { createFakeBin } from "../../test/support/fake_agents/mod.ts";
import { PROVEN_VERSIONS } from "../agents/proven.ts";
import { runCommand } from "../proc/run_command.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { runDoctor } from "./doctor.ts";

const GIT_ENV = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
};

async function project(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "doctor-cli-" }));
  const git = (...args: string[]) => runCommand("git", ["-C", dir, ...args], { env: { ...GIT_ENV, HOME: dir } });
  await git("init", "-q");
  await git("config", "user.name", "T");
  await git("config", "user.email", "t@t");
  await Deno.mkdir(`${dir}/.kittify`);
  await Deno.writeTextFile(`${dir}/.kittify/.keep`, "");
  await git("add", ".kittify/.keep");
  await git("commit", "-q", "-m", "init");
  return dir;
}

Deno.test("runDoctor() --json reports every check and exits 0 when nothing fails", async () => {
  const dir = await project();
  const proven = `${PROVEN_VERSIONS["claude-code"]} (Claude Code)`;
  const fake = await createFakeBin({ claude: { kind: "script", body: `echo '${proven}'\n` } });
  try {
    const term = memoryTerminal({ json: true });
    const code = await runDoctor({ json: true, repoRoot: dir }, term, {
      cwd: dir,
      env: { PATH: fake.path },
      uid: 1000,
      checkHost: () => Promise.resolve({ ok: true, detail: "spec-kitty host, contract 1.3.0" }),
    });
    const report = JSON.parse(term.out.join(""));
    assertEquals(code, 0, JSON.stringify(report.checks, null, 1));
    assertEquals(report.ok, true);
    const agent = report.checks.find((c: { id: string }) => c.id === "agent:claude-code");
    assertEquals(agent.status, "ok");
    assertStringIncludes(agent.detail, proven);
    assertEquals(report.checks[0].id, "config");
  } finally {
    await fake.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctor() prints fixes and exits 1 when a check fails", async () => {
  const dir = await project();
  try {
    const term = memoryTerminal();
    const code = await runDoctor({ json: false, repoRoot: dir }, term, {
      cwd: dir,
      env: { PATH: "/nonexistent" },
      checkHost: () => Promise.resolve({ ok: false, detail: "spec-kitty not found", fix: "install spec-kitty" }),
    });
    assertEquals(code, 1);
    const text = term.text();
    assertStringIncludes(text, "FAIL host: spec-kitty not found");
    assertStringIncludes(text, "fix: install spec-kitty");
    assertStringIncludes(text, "FAIL agent claude-code");
    assert(text.includes("check(s) failed."));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctor() reports an invalid configuration as a failed check", async () => {
  const dir = await project();
  try {
    await Deno.writeTextFile(`${dir}/orchestration.yaml`, "max_concurrent: [not, a, number]\n");
    const term = memoryTerminal({ json: true });
    const code = await runDoctor({ json: true, repoRoot: dir }, term, {
      cwd: dir,
      env: { PATH: "/usr/bin:/bin" },
      checkHost: () => Promise.resolve({ ok: true, detail: "ok" }),
    });
    assertEquals(code, 1);
    const report = JSON.parse(term.out.join(""));
    assertEquals(report.checks[0].id, "config");
    assertEquals(report.checks[0].status, "fail");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
