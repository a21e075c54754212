/**
 * The GitHub Action (action.yml, scripts/action/*.sh) run locally: the files pass the action
 * validator, the install step installs a fake release with the checksum check and extends
 * $GITHUB_PATH, the run step drives a real demo mission to done and writes the job summary and
 * outputs, and the exit codes map as documented (75 is a notice, 3 names the WPs in ::error::).
 * The GITHUB_* files live in a temp dir, as the runner would provide them.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { runProcessGroup } from "../../src/host/process.ts";
import { createDemo } from "../../src/demo/demo.ts";
import { memoryTerminal } from "../../src/output/terminal.ts";
import { sha256Hex } from "../../src/core/hex.ts";

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const MAIN = join(ROOT, "src", "main.ts");
const VALIDATOR = join(ROOT, ".tools", "node-tools", "node_modules", ".bin", "action-validator");
const posix = Deno.build.os !== "windows";
const basePath = Deno.env.get("PATH") ?? "/usr/bin:/bin";

interface Runner {
  tmp: string;
  env: Record<string, string>;
  outputs(): Promise<Record<string, string>>;
  summary(): Promise<string>;
  path(): Promise<string>;
}

/** A temp dir with the files a GitHub runner gives a step. */
async function withRunner(fn: (r: Runner) => Promise<void>): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "sko-action-" });
  const files = { out: join(tmp, "github_output"), summary: join(tmp, "step_summary"), path: join(tmp, "github_path") };
  for (const f of Object.values(files)) await Deno.writeTextFile(f, "");
  await Deno.mkdir(join(tmp, "runner_temp"));
  const env = {
    PATH: basePath,
    // The real HOME: agents the demo runs call our CLI through Deno, whose module cache is there.
    HOME: Deno.env.get("HOME") ?? join(tmp, "home"),
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_OUTPUT: files.out,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_PATH: files.path,
    RUNNER_TEMP: join(tmp, "runner_temp"),
  };
  try {
    await fn({
      tmp,
      env,
      async outputs() {
        const lines = (await Deno.readTextFile(files.out)).split("\n").filter((l) => l.includes("="));
        return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
      },
      summary: () => Deno.readTextFile(files.summary),
      path: () => Deno.readTextFile(files.path),
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

function step(script: string, env: Record<string, string>, cwd = ROOT) {
  return runProcessGroup(["bash", join(ROOT, "scripts", "action", script)], {
    cwd,
    env,
    clearEnv: true,
    timeoutMs: 120_000,
  });
}

/** A release whose "binary" runs this checkout with Deno, with a correct SHA256SUMS. */
async function fakeRelease(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const asset = `spec-kitty-orchestrator-${Deno.build.target}`;
  // The runner's HOME is a temp dir: keep Deno's module cache where it is (no network here).
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  const denoDir = (JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string }).denoDir;
  const bytes = new TextEncoder().encode(
    `#!/bin/sh\nDENO_DIR=${JSON.stringify(denoDir)} exec ${JSON.stringify(Deno.execPath())} run --allow-all ${
      JSON.stringify(MAIN)
    } "$@"\n`,
  );
  await Deno.writeFile(join(dir, asset), bytes);
  await Deno.writeTextFile(join(dir, "SHA256SUMS"), `${await sha256Hex(bytes)}  ${asset}\n`);
}

/** A stand-in binary: `orchestrate` prints `lines` (one or more) and exits `code`; `report` writes report.md. */
async function fakeBinary(dir: string, lines: string | string[], code: number): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "spec-kitty-orchestrator");
  await Deno.writeTextFile(
    path,
    `#!/usr/bin/env bash
case "$1" in
  orchestrate) echo "$*" > "$(dirname "$0")/argv"; printf '%s\\n' ${
      [lines].flat().map((l) => JSON.stringify(l)).join(" ")
    }; exit ${code} ;;
  report) while [ $# -gt 0 ]; do [ "$1" = --out ] && out="$2"; shift; done; mkdir -p "$out"; echo "# Run report (fake)" > "$out/report.md" ;;
esac
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("action.yml and examples/github/orchestrate.yml pass @action-validator/cli", async () => {
  for (const file of ["action.yml", "examples/github/orchestrate.yml"]) {
    const r = await runProcessGroup([VALIDATOR, join(ROOT, file)], { cwd: ROOT, env: {}, timeoutMs: 60_000 })
      .catch((e) => {
        throw new Error(
          `${VALIDATOR} cannot run (${e}); 'bash scripts/install_agents.sh scripts/node_tools.json' installs it (the gate does)`,
        );
      });
    assertEquals(r.code, 0, `${file}: ${r.stdout}${r.stderr}`);
  }
});

Deno.test("action.yml wires every input into a step and runs only scripts that exist", async () => {
  const action = parse(await Deno.readTextFile(join(ROOT, "action.yml"))) as {
    inputs: Record<string, unknown>;
    runs: {
      using: string;
      steps: { run?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> }[];
    };
  };
  assertEquals(action.runs.using, "composite");
  const text = JSON.stringify(action.runs.steps);
  for (const input of Object.keys(action.inputs)) {
    assertStringIncludes(text, `inputs.${input}`, `input '${input}' is declared but no step uses it`);
  }
  for (const s of action.runs.steps) {
    const m = /\$GITHUB_ACTION_PATH\/([^"]+)"/.exec(s.run ?? "");
    if (m) assert((await Deno.stat(join(ROOT, m[1]!))).isFile, `step runs ${m[1]}, which does not exist`);
  }
  assertEquals(action.runs.steps.some((s) => s.uses?.startsWith("actions/upload-artifact@")), true);
});

Deno.test({
  name: "action: the install and run steps drive a demo mission to done, with outputs and the job summary",
  ignore: !posix,
  fn: () =>
    withRunner(async (r) => {
      await fakeRelease(join(r.tmp, "release"));
      const installed = await step("install.sh", {
        ...r.env,
        SKO_ACTION_VERSION: "latest",
        SKO_INSTALL_BASE_URL: `file://${r.tmp}/release`,
      });
      assertEquals(installed.code, 0, installed.stderr);
      assertStringIncludes(installed.stderr, "checksum verified");
      const binDir = (await r.path()).trim();
      assertEquals(binDir, join(r.env.RUNNER_TEMP!, "spec-kitty-orchestrator", "bin"));

      const repo = join(r.tmp, "repo");
      await createDemo(repo, memoryTerminal());
      // The runner applies $GITHUB_PATH between steps: the run step finds the installed binary.
      const run = await step("run.sh", { ...r.env, PATH: `${binDir}:${basePath}`, SKO_MISSION: "001-demo" }, repo);
      assertEquals(run.code, 0, run.stdout + run.stderr);
      assertStringIncludes(run.stdout, "::group::spec-kitty-orchestrator orchestrate --continue --json");
      const out = await r.outputs();
      assertEquals(out["exit-code"], "0");
      assert(/^\d{8}T\d{6}Z-[0-9a-f]+$/.test(out["run-id"] ?? ""), `run-id output: ${out["run-id"]}`);
      assertStringIncludes(await r.summary(), "001-demo");
      assertStringIncludes(out["report"] ?? "", "report.md");
    }),
});

const FINISHED_BLOCKED = JSON.stringify({
  type: "run_finished",
  exit_code: 3,
  summary: {
    run_id: "20261202T010000Z-abcd",
    wps: [
      { wp_id: "WP01", outcome: "done", reason: "approved by codex", lane: "done" },
      {
        wp_id: "WP02",
        outcome: "blocked",
        reason: 'review rejected 3 times; last: "add tests"\n100%',
        lane: "blocked",
      },
      { wp_id: "WP03", outcome: "failed", reason: "claude-code auth: Invalid API key", lane: "in_progress" },
    ],
  },
});

Deno.test({
  name: "action: exit 3 fails the step with one ::error:: per WP not done (annotation data escaped)",
  ignore: !posix,
  fn: () =>
    withRunner(async (r) => {
      const bin = await fakeBinary(join(r.tmp, "bin"), FINISHED_BLOCKED, 3);
      const run = await step("run.sh", { ...r.env, SKO_BIN: bin, SKO_MISSION: "034-my-feature" });
      assertEquals(run.code, 3);
      const errors = run.stdout.split("\n").filter((l) => l.startsWith("::error"));
      assertEquals(errors.length, 2, run.stdout);
      assertStringIncludes(errors[0]!, "::error title=WP02 blocked::WP02 blocked: review rejected 3 times");
      assertEquals(errors[0]!.includes("\n"), false);
      assertStringIncludes(errors[1]!, "WP03 failed: claude-code auth: Invalid API key");
      assertEquals((await r.outputs())["exit-code"], "3");
      assertEquals((await r.outputs())["run-id"], "20261202T010000Z-abcd");
      assertStringIncludes(await r.summary(), "# Run report (fake)");
    }),
});

Deno.test({
  name:
    "action: exit 75 (another run holds the lock) is a notice and the step succeeds; other codes fail with the code",
  ignore: !posix,
  fn: () =>
    withRunner(async (r) => {
      const locked = await fakeBinary(join(r.tmp, "locked"), '{"type":"warning","message":"locked"}', 75);
      const a = await step("run.sh", {
        ...r.env,
        SKO_BIN: locked,
        SKO_MISSION: "034-my-feature",
        SKO_IMPL_AGENT: "claude-code",
        SKO_REVIEW_AGENT: "codex",
        SKO_MAX_CONCURRENT: "2",
        SKO_ARGS: "--accept --pipeline nightly",
      });
      assertEquals(a.code, 0, a.stdout);
      assertStringIncludes(
        a.stdout,
        "::notice title=spec-kitty-orchestrator::another run of mission 034-my-feature holds the lock",
      );
      assertEquals(
        (await Deno.readTextFile(join(r.tmp, "locked", "argv"))).trim(),
        "orchestrate --continue --json --no-caffeinate --mission 034-my-feature --impl-agent claude-code " +
          "--review-agent codex --max-concurrent 2 --accept --pipeline nightly",
      );
      const broken = await fakeBinary(join(r.tmp, "broken"), "", 1);
      const b = await step("run.sh", { ...r.env, SKO_BIN: broken, SKO_MISSION: "034-my-feature" });
      assertEquals(b.code, 1);
      assertStringIncludes(
        b.stdout,
        "::error title=spec-kitty-orchestrator::orchestrate for mission 034-my-feature exited 1",
      );
    }),
});

/** The same run_finished as FINISHED_BLOCKED in another key order, after another event and before a cut-off line. */
const FINISHED_REORDERED = [
  JSON.stringify({ message: "WP02 review rejected", type: "warning" }),
  " " + JSON.stringify({
    summary: {
      wps: [
        { lane: "done", reason: "", outcome: "approved", wp_id: "WP01" },
        { reason: 'last: "add tests, then retry", see {log}', lane: "blocked", outcome: "blocked", wp_id: "WP02" },
        { outcome: "failed", wp_id: "WP03", reason: "agent printed \u001b[31mred\u009b2J\u202e" },
      ],
      run_id: "20261202T010000Z-abcd",
    },
    exit_code: 3,
    type: "run_finished",
  }),
  '{"type":"run_finished","summary":{"run_id":"20261202T0',
];

Deno.test({
  name: "action: the run's summary is read as JSON (any key order, quotes and commas in a reason, a cut-off last line)",
  ignore: !posix,
  fn: () =>
    withRunner(async (r) => {
      const bin = await fakeBinary(join(r.tmp, "bin"), FINISHED_REORDERED, 3);
      const run = await step("run.sh", { ...r.env, SKO_BIN: bin, SKO_MISSION: "034-my-feature" });
      assertEquals(run.code, 3, run.stdout + run.stderr);
      assertEquals(run.stdout.split("\n").filter((l) => l.startsWith("::error")), [
        '::error title=WP02 blocked::WP02 blocked: last: "add tests, then retry", see {log}',
        "::error title=WP03 failed::WP03 failed: agent printed \\x1b[31mred\\x9b2J\\u202e",
      ]);
      assertEquals((await r.outputs())["run-id"], "20261202T010000Z-abcd");
      assertStringIncludes(await r.summary(), "# Run report (fake)");
    }),
});

Deno.test({
  name: "action: without node on PATH the exit code still maps, with a warning and one generic ::error::",
  ignore: !posix,
  fn: () =>
    withRunner(async (r) => {
      const bin = await fakeBinary(join(r.tmp, "bin"), FINISHED_BLOCKED, 3);
      // What run.sh and the fake binary use, and no node.
      const bare = join(r.tmp, "bare");
      await Deno.mkdir(bare);
      for (const tool of ["bash", "cat", "dirname", "mkdir", "rm", "tee"]) {
        const which = await runProcessGroup(["bash", "-c", `command -v ${tool}`], {
          cwd: ROOT,
          env: {},
          timeoutMs: 10_000,
        });
        await Deno.symlink(which.stdout.trim(), join(bare, tool));
      }
      const run = await step("run.sh", { ...r.env, PATH: bare, SKO_BIN: bin, SKO_MISSION: "034-my-feature" });
      assertEquals(run.code, 3, run.stdout + run.stderr);
      assertStringIncludes(run.stdout, "::warning title=spec-kitty-orchestrator::node is not on PATH");
      assertEquals(run.stdout.split("\n").filter((l) => l.startsWith("::error")), [
        "::error title=spec-kitty-orchestrator::mission 034-my-feature ended with WPs not done (exit 3); see the run report",
      ]);
      const out = await r.outputs();
      assertEquals([out["exit-code"], out["run-id"]], ["3", ""]);
    }),
});
