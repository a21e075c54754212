/**
 * Faults #22, #25, #35 of docs/reliability.md §4.2: an agent that floods its output, is rate limited,
 * or tampers with git's config and hooks.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

const ONE_WP = [{ id: "WP01" }];

Deno.test("fault #22: a 200 MB output flood keeps the orchestrator's memory and the log bounded", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { logMaxBytes: "1MiB" } }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "flood:once");
    const child = repo.spawn(orchestrateArgs(repo));
    const output = child.output();
    let peakKb = 0;
    let done = false;
    output.finally(() => (done = true));
    while (!done) {
      try {
        const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // exited
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const out = await output;
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    assert(peakKb > 0, "memory was sampled");
    assert(peakKb < 400 * 1024, `peak RSS ${Math.round(peakKb / 1024)} MiB stays well below the 200 MB flood`);
    const logs: { name: string; size: number }[] = [];
    const logRoot = join(repo.root, ".kittify", "logs");
    for await (const run of Deno.readDir(logRoot)) {
      for await (const f of Deno.readDir(join(logRoot, run.name))) {
        logs.push({ name: f.name, size: (await Deno.stat(join(logRoot, run.name, f.name))).size });
      }
    }
    const implLog = logs.find((l) => l.name.includes("implement") && l.name.endsWith(".log"));
    assert(implLog !== undefined, `implement log exists: ${JSON.stringify(logs)}`);
    assert(implLog.size < 2 * 1024 * 1024, `log capped near 1 MiB: ${implLog.size} bytes`);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #25: a 429 from Claude Code is rate_limit; the retry waits the announced time, then works", async () => {
  await withFaultRepo({ wps: ONE_WP, yaml: { implement: ["claude-code"] } }, async (repo) => {
    await Deno.writeTextFile(join(repo.control, "claude.rate_limit"), "");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0, "rate_limit");
    assertMatch(
      result.out,
      /claude-code is rate limited or overloaded[^\n]*: waiting [1-3]s before the next implement attempt/,
    );
    const calls = (await repo.agentCalls()).filter(([a, role]) => a === "claude" && role === "implement");
    assertEquals(calls.map(([, , , , mode]) => mode), ["rate_limit", "ok"]);
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #35: an agent changing .git/config is detected before any commit; resume finishes once restored", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "git_config:once");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 3, "git configuration must not change", "WP01");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "in_progress", "not submitted for review");
    // Once a human restores the config, resume finishes the WP.
    const cfg = new Deno.Command("git", { args: ["config", "--unset", "core.hooksPath"], cwd: repo.root }).outputSync();
    assert(cfg.success, "restored the config");
    await assertResumable(repo);
  });
});

Deno.test("fault #35: commit hooks an agent plants in the common git dir never run under the orchestrator", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "git_hook");
    const result = await repo.cli(orchestrateArgs(repo));
    assertMessage(result, 0);
    const hookRan = await Deno.stat(join(repo.control, "hook-ran")).then(() => true, () => false);
    assert(!hookRan, "planted hooks did not run");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});
