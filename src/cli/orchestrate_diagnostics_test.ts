import { assert, assertEquals, assertMatch, assertStringIncludes } from "../../test/support/assert.ts";
import { join } from "node:path";
import { createDemo } from "../demo/demo.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { runOrchestrate } from "./orchestrate.ts";
import { RUNS_DIR } from "../store/recorder.ts";
import { DIAGNOSTICS_FILE } from "../output/diagnostics.ts";

Deno.test("runOrchestrate() writes the run's orchestrator.log with host calls and attempts, without the policy", async () => {
  const parent = await Deno.makeTempDir({ prefix: "orchestrate-diag-" });
  const dir = join(parent, "demo");
  try {
    await createDemo(dir, memoryTerminal());
    const code = await runOrchestrate(
      {
        repoRoot: dir,
        mission: "001-demo",
        json: false,
        dryRun: false,
        caffeinate: false,
        fresh: false,
        accept: false,
      },
      memoryTerminal(),
      dir,
    );
    assertEquals(code, 0);
    const runs = [];
    for await (const entry of Deno.readDir(join(dir, RUNS_DIR))) runs.push(entry.name);
    assertEquals(runs.length, 1);
    const log = await Deno.readTextFile(join(dir, RUNS_DIR, runs[0]!, DIAGNOSTICS_FILE));
    const lines = log.trimEnd().split("\n");
    for (const line of lines) {
      assertMatch(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) \w+: /);
    }
    // The first reads (contract, mission, list-ready; sent at once) run before the run exists:
    // they are buffered, then written first.
    const first = lines.slice(0, 3).map((l) => l.replace(/^\S+ /, "")).sort();
    assertEquals(first.map((l) => l.replace(/ ok in \d+ ms/, "")), [
      "DEBUG host: contract-version (attempt 1)",
      "DEBUG host: list-ready (attempt 1)",
      "DEBUG host: mission-state (attempt 1)",
    ]);
    assertStringIncludes(log, "host: start-implementation ok in");
    assertStringIncludes(log, "engine: dispatch WP01: pipeline");
    assertMatch(log, /engine: attempt WP01 implement #1 finished: agent \S+, class ok, \d+ ms/);
    assertMatch(
      log,
      /engine: attempt WP02 review #\d finished: agent \S+, class ok, \d+ ms, verdict changes_requested/,
    );
    assertStringIncludes(log, "engine: run ");
    assert(!log.includes("--policy"), "the log must not contain host arguments");
    assert(
      !log.includes("orchestrator_id") && !log.includes("agent_family"),
      "the log must not contain the policy JSON",
    );
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
