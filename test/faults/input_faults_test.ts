/**
 * Faults #30–#34 of docs/reliability.md §4.2: hostile input. A secret-like policy value, malicious
 * `orchestration.yaml` (alias bomb, huge file, unknown keys, wrong types, duplicate keys), path
 * traversal in the mission, a WP id or the host's workspace path, and shell metacharacters in
 * WP titles and agent arguments.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { type FaultRepo, orchestrateArgs, withFaultRepo, yamlFor } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

const ONE_WP = [{ id: "WP01" }];

function baseYaml(repo: FaultRepo): string {
  return yamlFor(repo.hostScriptPath, repo.agentScriptPath);
}

/** Runs orchestrate with `yaml`; asserts exit 2, the message parts, and that the host was never called. */
async function rejectsConfig(repo: FaultRepo, yaml: string, ...parts: (string | RegExp)[]): Promise<void> {
  await repo.writeYaml(yaml);
  const result = await repo.cli(orchestrateArgs(repo), { timeoutMs: 30_000 });
  assertMessage(result, 2, "orchestration.yaml", ...parts);
  assertEquals(await repo.hostCalls(), [], "nothing was asked of the host");
}

Deno.test("fault #30: a secret-like policy value is refused before any claim", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await rejectsConfig(
      repo,
      baseYaml(repo) + 'policy:\n  tool_restrictions: "no api key access"\n',
      "policy.tool_restrictions",
      "key",
    );
  });
});

Deno.test("fault #31: a billion-laughs alias bomb is rejected quickly with a clear error", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const levels = "abcdefghi".split("");
    let bomb = 'x0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < levels.length; i++) {
      bomb += `x${i}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(",")}]\n`;
    }
    await rejectsConfig(repo, baseYaml(repo) + bomb, /alias/i);
  });
});

Deno.test("fault #32: huge file, unknown keys, wrong types, duplicate keys, YAML 1.1 booleans: each names the problem", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const base = baseYaml(repo);
    await rejectsConfig(repo, base + `# ${"padding ".repeat(400_000)}\n`, /too large|size|bytes|KiB|MiB/i);
    await rejectsConfig(repo, base.replace("max_concurrent:", "max_concurent:"), "max_concurent", "max_concurrent");
    await rejectsConfig(repo, base.replace(/max_concurrent: \d+/, 'max_concurrent: "two"'), "max_concurrent");
    await rejectsConfig(repo, base + "max_concurrent: 3\n", "max_concurrent", /duplicate|unique|twice|already/i);
    await rejectsConfig(repo, base + "accept: yes\n", "accept");
    await rejectsConfig(repo, base + "defaults2:\n  - &x [1]\n", "defaults2");
  });
});

Deno.test("fault #33: path traversal in --mission is refused before any host call", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    for (const mission of ["../../etc", "001-fault/../../x", "/etc/passwd"]) {
      const result = await repo.cli(["orchestrate", "--mission", mission, "--repo-root", repo.root, "--no-caffeinate"]);
      assertMessage(result, 2, "--mission");
    }
    const mutations = (await repo.hostCalls()).filter(([sub]) =>
      !["contract-version", "mission-state", "list-ready"].includes(sub ?? "")
    );
    assertEquals(mutations, [], "no mutation");
  });
});

Deno.test("fault #33: a host workspace_path outside .worktrees/ is refused; no agent runs there", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const outside = join(repo.parent, "outside");
    await Deno.mkdir(outside);
    await repo.hostFault("start-implementation", `rewrite_ws * ${outside}`);
    await repo.hostFault("resolve-workspace", `rewrite_ws * ${outside}`);
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "WP01", ".worktrees");
    assertEquals(await repo.agentCalls(), [], "no agent ran");
    assertEquals([...Deno.readDirSync(outside)], [], "nothing written outside");
    await assertAfterFault(repo);
  });
});

Deno.test("fault #33: a WP id with path traversal in the mission's frontmatter never escapes the repo", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    const file = join(repo.root, "kitty-specs", repo.mission, "tasks", "WP01-task.md");
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, text.replace("work_package_id: WP01", "work_package_id: WP01/../../../../escaped"));
    const result = await repo.cli(orchestrateArgs(repo));
    // Either refused, or worked under the safe id the host derives from the file name.
    assert([0, 1, 2, 3].includes(result.code), result.out);
    assert(!result.out.includes("Uncaught"), result.out);
    const escaped = [join(repo.parent, "escaped"), join(repo.root, "escaped"), join(repo.root, "..", "..", "escaped")];
    for (const path of escaped) assert(!(await Deno.stat(path).then(() => true, () => false)), `${path} created`);
    for (const [, , wp] of await repo.agentCalls()) assert(/^WP[0-9]{2,3}$/.test(wp ?? ""), `agent ran on ${wp}`);
    for (const lane of (await hostLanes(repo)).keys()) assert(/^WP[0-9]{2,3}$/.test(lane), `host WP id ${lane}`);
    await assertAfterFault(repo, { stateMayBeMissing: true });
  });
});

Deno.test("fault #34: shell metacharacters in WP titles and agent arguments are passed as data, never run", async () => {
  const pwned = (name: string) => `/tmp/sko-fault-pwned-${name}-${Deno.pid}`;
  const title = `"; touch ${pwned("title1")}; # $(touch ${pwned("title2")}) \`touch ${pwned("title3")}\``;
  await withFaultRepo({ wps: [{ id: "WP01", title }] }, async (repo) => {
    await repo.writeYaml({
      extraArgs: [`; touch ${pwned("arg1")}`, `$(touch ${pwned("arg2")})`, "--dangerously-skip-permissions", "|", "&&"],
    });
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0);
    for (const name of ["title1", "title2", "title3", "arg1", "arg2"]) {
      const hit = await Deno.stat(pwned(name)).then(() => true, () => false);
      await Deno.remove(pwned(name)).catch(() => {});
      assert(!hit, `${name} was executed`);
    }
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
    await assertResumable(repo, "orchestrate");
  });
});
