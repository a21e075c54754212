/**
 * The CLI surface end to end: the guide's dry run changes nothing, the legacy `--feature`
 * spelling, and the exit codes of usage and configuration errors.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  checkInvariants,
  configYaml,
  eventsPath,
  findStateFile,
  MISSION,
  readCalls,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("orchestrate --dry-run with the guide's exact command changes nothing", async () => {
  await withE2e(spreadMission(2, 1), {}, async (e) => {
    const before = await Deno.readFile(eventsPath(e));
    const out = await runCli(e, [
      "orchestrate",
      "--mission",
      MISSION,
      "--impl-agent",
      "claude-code",
      "--review-agent",
      "codex",
      "--max-concurrent",
      "1",
      "--dry-run",
    ]);
    assertEquals(out.code, 0, out.text);
    assertStringIncludes(out.text, "WP01");
    assertEquals(await Deno.readFile(eventsPath(e)), before);
    assertEquals(await Deno.stat(`${e.repo}/.worktrees`).then(() => true, () => false), false);
    assertEquals(await findStateFile(e), null);
    assertEquals(await readCalls(e.control), []);
  });
});

Deno.test("orchestrate --feature (legacy spelling) works with a deprecation notice", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const out = await runCli(e, [
      "orchestrate",
      "--feature",
      MISSION,
      "--impl-agent",
      "codex",
      "--review-agent",
      "codex",
    ]);
    assertEquals(out.code, 0, out.text);
    assertStringIncludes(out.stderr, "--feature is deprecated");
    await checkInvariants(e, { lanes: { WP01: "done" } });
  });
});

Deno.test("orchestrate exits 2 for usage and configuration errors and touches nothing", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const before = await Deno.readFile(eventsPath(e));
    const cases: [string[], string][] = [
      [["orchestrate", "--mission", MISSION, "--max-concurrent", "0"], "--max-concurrent"],
      [["orchestrate", "--mission", MISSION, "--impl-agent", "no-such-agent"], "no-such-agent"],
      [["orchestrate"], "--mission"],
      [["orchestrate", "--mission", "../etc"], "../etc"],
    ];
    for (const [args, mentions] of cases) {
      const out = await runCli(e, args);
      assertEquals(out.code, 2, `${args.join(" ")}: ${out.text}`);
      assertStringIncludes(out.text, mentions);
    }
    assertEquals(await Deno.readFile(eventsPath(e)), before);
    assertEquals(await findStateFile(e), null);
  });
});

Deno.test("orchestrate of a mission that does not exist fails before any mutation", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const out = await runCli(e, ["orchestrate", "--mission", "099-missing"]);
    assertEquals(out.code !== 0 && out.code !== 3, true, out.text);
    assertStringIncludes(out.text, "099-missing");
    assertEquals(await findStateFile(e), null);
  });
});

Deno.test("resume without a run state exits 1 and says how to start one", async () => {
  await withE2e(spreadMission(1, 1), { config: configYaml() }, async (e) => {
    const out = await runCli(e, ["resume", "--no-caffeinate"]);
    assertEquals(out.code, 1, out.text);
    assertStringIncludes(out.text, "orchestrate");
  });
});

Deno.test("orchestrate --json (gemini implements) prints only NDJSON ending with run_finished; report and doctor pass", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const out = await runCli(e, [
      "orchestrate",
      "--mission",
      MISSION,
      "--impl-agent",
      "gemini",
      "--review-agent",
      "codex",
      "--json",
      "--no-caffeinate",
    ]);
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const events = out.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
    const last = events.at(-1);
    assertEquals([last?.type, last?.exit_code, last?.summary?.status], ["run_finished", 0, "done"]);
    assertEquals(events.filter((ev) => ev.type === "attempt_started").map((ev) => ev.agent), ["gemini", "codex"]);

    const report = await runCli(e, ["report", last.summary.run_id]);
    assertEquals(report.code, 0, report.text);
    for (const name of ["report.md", "report.html"]) {
      const text = await Deno.readTextFile(`${e.repo}/.kittify/runs/${last.summary.run_id}/${name}`);
      assertStringIncludes(text, "WP01");
    }
    const doctor = await runCli(e, ["doctor", "--json"]);
    assertEquals(doctor.code, 0, doctor.text);
    const checks = JSON.parse(doctor.stdout).checks as { id: string; status: string }[];
    assertEquals(checks.find((c) => c.id === "repo-clean")?.status, "ok", "the host's own files count as dirty");
    assertEquals(checks.filter((c) => c.status === "fail"), []);
  });
});
