import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { createFakeBin } from "../../test/support/fake_agents/mod.ts";
import { defaultResolvedConfig } from "../config/mod.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { configuredAgentIds, type DoctorDeps, type DoctorReport, runDoctorChecks } from "./doctor.ts";
import { PROVEN_VERSIONS } from "./proven.ts";
import { runCommand } from "../proc/run_command.ts";

const HERMETIC_GIT = {
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
};

async function repo(identity: boolean): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "doctor-test-" });
  const git = (...args: string[]) => runCommand("git", ["-C", dir, ...args], { env: { ...HERMETIC_GIT, HOME: dir } });
  await git("init", "-q");
  if (identity) {
    await git("config", "user.name", "T");
    await git("config", "user.email", "t@t");
  }
  await Deno.writeTextFile(`${dir}/a.txt`, "a");
  await git("add", "a.txt");
  await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init");
  await Deno.mkdir(`${dir}/.kittify`);
  return dir;
}

function deps(dir: string, over: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    repoRoot: dir,
    config: defaultResolvedConfig(),
    checkHost: () => Promise.resolve({ ok: true, detail: "spec-kitty host, contract 1.3.0" }),
    checkAgent: () =>
      Promise.resolve({
        found: true,
        path: "/usr/bin/claude",
        version: `${PROVEN_VERSIONS["claude-code"]} (Claude Code)`,
      }),
    git: (args) => runCommand("git", ["-C", dir, ...args], { env: { ...HERMETIC_GIT, HOME: dir } }),
    env: { PATH: "/usr/bin:/bin" },
    ...over,
  };
}

const byId = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id);

Deno.test("runDoctorChecks() passes on a healthy repository", async () => {
  const dir = await repo(true);
  try {
    const r = await runDoctorChecks(deps(dir));
    assert(r.ok, JSON.stringify(r.checks));
    assertEquals(r.checks.map((c) => c.id), [
      "host",
      "agent:claude-code",
      "git-identity",
      "repo-clean",
      "worktrees",
      "kittify",
      "cron",
    ]);
    assertEquals(byId(r, "git-identity")?.detail, "T <t@t>");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() fails with fixes for host, missing agent and git identity", async () => {
  const dir = await repo(false);
  try {
    const r = await runDoctorChecks(deps(dir, {
      checkHost: () => Promise.resolve({ ok: false, detail: "spec-kitty not found", fix: "install spec-kitty" }),
      checkAgent: () =>
        Promise.resolve({ found: false, fix: "Install 'claude' (npm install -g @anthropic-ai/claude-code)" }),
    }));
    assertEquals(r.ok, false);
    assertEquals([byId(r, "host")?.status, byId(r, "host")?.fix], ["fail", "install spec-kitty"]);
    assertEquals(byId(r, "agent:claude-code")?.status, "fail");
    assertStringIncludes(byId(r, "agent:claude-code")?.fix ?? "", "npm install");
    assertEquals(byId(r, "git-identity")?.status, "fail");
    assertStringIncludes(byId(r, "git-identity")?.fix ?? "", "git config --global user.email");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() warns about a dirty checkout and stale worktrees", async () => {
  const dir = await repo(true);
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "changed");
    await runCommand("git", ["-C", dir, "worktree", "add", "-q", "--detach", `${dir}-wt`], {
      env: { ...HERMETIC_GIT, HOME: dir },
    });
    await Deno.remove(`${dir}-wt`, { recursive: true });
    const r = await runDoctorChecks(deps(dir));
    assert(r.ok, "warnings do not fail doctor");
    assertEquals(byId(r, "repo-clean")?.status, "warn");
    assertStringIncludes(byId(r, "repo-clean")?.detail ?? "", "a.txt");
    assertEquals([byId(r, "worktrees")?.status, byId(r, "worktrees")?.fix], ["warn", "git worktree prune"]);
    assertStringIncludes(byId(r, "worktrees")?.detail ?? "", `${dir}-wt`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() does not count the host's uncommitted event log and snapshot as dirty", async () => {
  const dir = await repo(true);
  try {
    const git = (...args: string[]) => runCommand("git", ["-C", dir, ...args], { env: { ...HERMETIC_GIT, HOME: dir } });
    await Deno.mkdir(`${dir}/kitty-specs/001-x`, { recursive: true });
    await Deno.writeTextFile(`${dir}/kitty-specs/001-x/status.events.jsonl`, "{}\n");
    await Deno.writeTextFile(`${dir}/kitty-specs/001-x/status.json`, "{}\n");
    await git("add", "kitty-specs");
    await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "mission");
    await Deno.writeTextFile(`${dir}/kitty-specs/001-x/status.events.jsonl`, "{}\n{}\n");
    await Deno.writeTextFile(`${dir}/kitty-specs/001-x/status.json`, '{"a": 1}\n');
    assertEquals(byId(await runDoctorChecks(deps(dir)), "repo-clean")?.status, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() fails outside a git repository", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runDoctorChecks(deps(dir));
    assertEquals(byId(r, "repo")?.status, "fail");
    assertEquals(r.ok, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() fails when .kittify/ is not writable", async () => {
  if (Deno.uid() === 0) return; // root writes anywhere: nothing to check here.
  const dir = await repo(true);
  try {
    await Deno.chmod(`${dir}/.kittify`, 0o500);
    const r = await runDoctorChecks(deps(dir));
    assertEquals(byId(r, "kittify")?.status, "fail");
  } finally {
    await Deno.chmod(`${dir}/.kittify`, 0o700);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() prints the PATH cron needs for agents and their interpreters", async () => {
  const dir = await repo(true);
  const fake = await createFakeBin({ claude: { kind: "script", body: "exit 0\n" } });
  try {
    await Deno.writeTextFile(`${fake.dir}/claude`, "#!/usr/bin/env fakenode\n");
    await Deno.writeTextFile(`${fake.dir}/fakenode`, "#!/bin/sh\n");
    await Deno.chmod(`${fake.dir}/fakenode`, 0o755);
    const r = await runDoctorChecks(
      deps(dir, { env: { PATH: `${fake.dir}:/usr/bin:/bin` }, cronPath: "/usr/bin:/bin" }),
    );
    const cron = byId(r, "cron");
    assertEquals(cron?.status, "warn");
    assertStringIncludes(cron?.detail ?? "", `${fake.dir}/claude`);
    assertStringIncludes(cron?.detail ?? "", `${fake.dir}/fakenode`);
    assertEquals(cron?.fix, `Put this line at the top of your crontab: PATH=${fake.dir}:/usr/bin:/bin`);
  } finally {
    await fake.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() warns that Claude Code refuses to run as root without IS_SANDBOX", async () => {
  const dir = await repo(true);
  try {
    const asRoot = await runDoctorChecks(deps(dir, { uid: 0 }));
    assertEquals(byId(asRoot, "agent:claude-code")?.status, "warn");
    const sandboxed = await runDoctorChecks(deps(dir, { uid: 0, env: { PATH: "/usr/bin:/bin", IS_SANDBOX: "1" } }));
    assertEquals(byId(sandboxed, "agent:claude-code")?.status, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runDoctorChecks() warns 'installed X, proven Y' with the pinned install when a CLI is another release", async () => {
  const dir = await repo(true);
  try {
    const other = await runDoctorChecks(deps(dir, {
      checkAgent: () => Promise.resolve({ found: true, path: "/usr/bin/claude", version: "2.2.0 (Claude Code)" }),
    }));
    assert(other.ok, "a release outside the proven ones warns, it does not fail");
    const check = byId(other, "agent:claude-code");
    assertEquals(check?.status, "warn");
    assertEquals(check?.detail, `/usr/bin/claude: installed 2.2.0, proven ${PROVEN_VERSIONS["claude-code"]}`);
    assertStringIncludes(
      check?.fix ?? "",
      `npm install -g @anthropic-ai/claude-code@${PROVEN_VERSIONS["claude-code"]}`,
    );
    // The proven release is ok; so is a redefined agent of the same id (its binary is the user's own).
    assertEquals(byId(await runDoctorChecks(deps(dir)), "agent:claude-code")?.status, "ok");
    const config = defaultResolvedConfig();
    const custom: ResolvedConfig = {
      ...config,
      agents: {
        "claude-code": {
          id: "claude-code",
          command: ["claude", "-p"],
          prompt: "stdin",
          output: "text",
          passEnv: [],
          family: "claude",
        },
      },
    };
    const redefined = await runDoctorChecks(deps(dir, {
      config: custom,
      checkAgent: () => Promise.resolve({ found: true, path: "/usr/bin/claude", version: "2.2.0 (Claude Code)" }),
    }));
    assertEquals(byId(redefined, "agent:claude-code")?.status, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("configuredAgentIds() lists each pipeline agent once", () => {
  assertEquals(configuredAgentIds(defaultResolvedConfig()), ["claude-code"]);
});
