/**
 * Defects found by the adversarial probe (issue 12 §4): bad host answers, mission files and
 * filesystem states that must end in a clear user error, never a stack trace, and change nothing.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { type FaultRepo, orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, hostLanes, stateFiles } from "../support/faults/invariants.ts";

/** No stack trace and no "this is a bug" in what the user sees. */
function assertNoCrash(out: string): void {
  assert(!/\n\s+at .+:\d+:\d+\)?/.test(out), `a stack trace was printed:\n${out}`);
  assert(!out.includes("This is a bug"), `reported as a bug:\n${out}`);
}

const READS = new Set(["contract-version", "mission-state", "list-ready"]);

Deno.test("D1: any failure answer to contract-version is a host error naming the code, on a run and a dry run", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    for (const code of ["TRANSITION_REJECTED", "NEW_HOST_CODE"]) {
      await repo.hostFault("contract-version", `fail * ${code}`);
      for (const extra of [[], ["--dry-run"]]) {
        const result = await repo.cli(orchestrateArgs(repo, ...extra));
        assertMessage(result, 1, code, "contract-version", "fix:");
        assertNoCrash(result.out);
      }
    }
    const others = (await repo.hostCalls()).filter(([sub]) => !READS.has(sub ?? ""));
    assertEquals(others, [], "only read-only host calls were made");
    await assertAfterFault(repo, { stateMayBeMissing: true });
  });
});

/** Runs orchestrate, then its dry run, and checks both refuse before any mutation with `parts`. */
async function assertRefusedBeforeMutation(repo: FaultRepo, ...parts: string[]): Promise<void> {
  for (const extra of [[], ["--dry-run"]]) {
    const result = await repo.cli(orchestrateArgs(repo, ...extra));
    assertMessage(result, 2, ...parts, "fix:");
    assertNoCrash(result.out);
  }
  const mutations = (await repo.hostCalls()).filter(([sub]) => !READS.has(sub ?? "") && sub !== "resolve-workspace");
  assertEquals(mutations, [], "only read-only host calls were made");
  assertEquals(await stateFiles(repo), [], "no run state was written");
  const status = await repo.cli(["status", "--repo-root", repo.root]);
  assert(!status.out.includes("WP99"), `status invents no WP:\n${status.out}`);
}

Deno.test("D4: a dependency on a WP the mission lacks is refused before any mutation, naming WP01's file", async () => {
  await withFaultRepo({ wps: [{ id: "WP01", dependencies: ["WP99"] }, { id: "WP02" }] }, async (repo) => {
    await assertRefusedBeforeMutation(repo, "WP01 depends on WP99", "tasks/WP01-task.md", "dependencies:");
  });
});

Deno.test("D3: a dependency cycle is refused by the run as by the dry run, naming the WP files of the cycle", async () => {
  const wps = [
    { id: "WP01", dependencies: ["WP03"] },
    { id: "WP02", dependencies: ["WP01"] },
    { id: "WP03", dependencies: ["WP02"] },
  ];
  await withFaultRepo({ wps }, async (repo) => {
    await assertRefusedBeforeMutation(
      repo,
      "dependency cycle WP01 -> WP03 -> WP02 -> WP01",
      "tasks/WP01-task.md",
      "tasks/WP02-task.md",
      "tasks/WP03-task.md",
    );
  });
});

Deno.test("D2: a file or directory of the wrong kind under .kittify/ is named with the fix; nothing is left behind", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    const kittify = join(repo.root, ".kittify");
    const cases: [string, () => Promise<void>, string][] = [
      ["logs", () => Deno.writeTextFile(join(kittify, "logs"), "x"), join(kittify, "logs")],
      ["runs", () => Deno.writeTextFile(join(kittify, "runs"), "x"), join(kittify, "runs")],
      ["locks", () => Deno.writeTextFile(join(kittify, "locks"), "x"), join(kittify, "locks")],
      [
        "lock file",
        () => Deno.mkdir(join(kittify, "locks", `${repo.mission}.lock`), { recursive: true }),
        join(kittify, "locks", `${repo.mission}.lock`),
      ],
    ];
    for (const [name, arrange, path] of cases) {
      await Deno.remove(kittify, { recursive: true }).catch(() => {});
      await Deno.mkdir(kittify, { recursive: true });
      await arrange();
      const before = await listTree(kittify);
      const result = await repo.cli(orchestrateArgs(repo));
      assertMessage(result, 1, path, `fix: Move ${path} out of the way`);
      assertNoCrash(result.out);
      assertEquals(await listTree(kittify), before, `${name}: nothing was created under .kittify/`);
    }
    const mutations = (await repo.hostCalls()).filter(([sub]) => !READS.has(sub ?? ""));
    assertEquals(mutations, [], "only read-only host calls were made");
  });
});

/** Every path under `dir`, sorted. */
async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      out.push(`${rel}${e.name}${e.isDirectory ? "/" : ""}`);
      if (e.isDirectory) await walk(join(d, e.name), `${rel}${e.name}/`);
    }
  };
  await walk(dir, "");
  return out.sort();
}

/** Raw ESC, BEL, CR or any other C0 control except newline and tab. */
// deno-lint-ignore no-control-regex -- looking for raw control characters
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u009b]/;

Deno.test("D8: an agent's escape sequences reach the summary, status and the diagnostic log escaped", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }], yaml: { maxAttempts: 1 } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "ansi_exit1");
    const run = await repo.cli(orchestrateArgs(repo));
    assertEquals(run.code, 3, run.out);
    assert(!RAW_CONTROL.test(run.out), `raw control characters in the run output: ${JSON.stringify(run.out)}`);
    assert(run.out.includes("\\x1b]0;PWNED\\x07\\x1b[2J"), `the sequence is shown escaped:\n${run.out}`);
    const status = await repo.cli(["status", "--repo-root", repo.root]);
    assert(!RAW_CONTROL.test(status.out), `raw control characters in status: ${JSON.stringify(status.out)}`);
    assert(!/\\x?[0-9a-f]?…/.test(status.out), `status cut inside an escape:\n${status.out}`);
    const runs = join(repo.root, ".kittify", "runs");
    let logs = "";
    for await (const e of Deno.readDir(runs)) {
      logs += await Deno.readTextFile(join(runs, e.name, "orchestrator.log")).catch(() => "");
    }
    assert(logs.includes("PWNED"), "the diagnostic log has the agent's message");
    assert(!RAW_CONTROL.test(logs), `raw control characters in the diagnostic log: ${JSON.stringify(logs)}`);
  });
});

Deno.test("minor: `-- host orchestrator-api contract-version` is the built-in host, not a crash", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    const result = await repo.cli(["--", "host", "orchestrator-api", "contract-version"]);
    assertEquals(result.code, 0, result.out);
    assertNoCrash(result.out);
    const envelope = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    assertEquals([envelope.command, envelope.success], ["orchestrator-api.contract-version", true]);
  });
});

Deno.test("minor: a host's unknown error_code is shown as sent, not as UNKNOWN_ERROR", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    await repo.hostFault("start-implementation", "fail * BRAND_NEW_CODE");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "refused with BRAND_NEW_CODE");
    assert(!result.out.includes("UNKNOWN_ERROR"), result.out);
    assertNoCrash(result.out);
  });
});

Deno.test("minor: a reviewer printing both verdicts gets no verdict, with a warning saying so", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }], yaml: { maxAttempts: 1 } }, async (repo) => {
    await repo.agentMode("review-a", "review", "both");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "reviewer gave both verdicts", "treated as no verdict");
    assert((await hostLanes(repo)).get("WP01") !== "done", "not approved by the last line");
  });
});
