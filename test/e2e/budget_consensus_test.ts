/**
 * Consensus review and budgets end to end with the fake CLIs and the built-in host: a panel of
 * codex and claude-code under `require: all` where codex rejects once (one merged rework brief,
 * evidence naming both reviewers accepted by the host), and a run that reaches `per_run_usd`
 * after its first WP (the others stay planned, exit 3, the next step says what to raise).
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { readCalls, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  configYaml,
  MISSION,
  orchestrateArgs,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("orchestrate: consensus review (require all) with one rejecting reviewer reworks once, then both approve", async () => {
  const config = configYaml(`pipelines:
  default:
    implement: { agents: [claude-code] }
    review: { agents: [codex, claude-code], require: all }
`);
  await withE2e(spreadMission(1, 1), { config }, async (e) => {
    await setFakeMode(e.control, "codex", "review", "reject_once");
    const out = await runCli(e, orchestrateArgs(MISSION), { timeoutMs: 120_000 });
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals((await readCalls(e.control)).map((c) => `${c.cli} ${c.role}`), [
      "claude impl",
      "codex review",
      "claude review",
      "claude impl",
      "codex review",
      "claude review",
    ]);
    const wp = (await readState(e)).wps.WP01! as unknown as {
      review_cycles: number;
      review_votes: { reviewer: string; verdict: string }[];
      review_feedback: string;
    };
    assertEquals(wp.review_cycles, 1);
    assertStringIncludes(wp.review_feedback, "Review by codex (changes requested):");
    assertEquals(wp.review_feedback.includes("Review by claude-code"), false);
    assertEquals(wp.review_votes.map((v) => `${v.reviewer} ${v.verdict}`), [
      "codex approved",
      "claude-code approved",
    ]);
    assertStringIncludes(out.stdout, "Reviews: WP01 codex approved, claude-code approved");
  });
});

Deno.test("orchestrate: once the run reaches per_run_usd no new WP starts; exit 3 names the limit and the command", async () => {
  // The fake claude reports $0.0125 per implementation: the first WP takes the run over $0.01.
  const config = configYaml(`  budget: { per_run_usd: 0.01 }
pipelines:
  default:
    implement: { agents: [claude-code] }
    review: { agents: [codex] }
`);
  await withE2e(spreadMission(3, 1), { config }, async (e) => {
    const out = await runCli(e, orchestrateArgs(MISSION), { timeoutMs: 120_000 });
    assertEquals(out.code, 3, out.text);
    await checkInvariants(e, { lanes: { WP01: "done", WP02: "planned", WP03: "planned" } });
    assertEquals((await readCalls(e.control)).map((c) => `${c.cli} ${c.role} ${c.wp}`), [
      "claude impl WP01",
      "codex review WP01",
    ]);
    assertStringIncludes(out.stdout, "Budget: run $0.01 of $0.01 (per_run_usd)");
    assertStringIncludes(out.stdout, "WP02, WP03 not started (lane planned): the run spent $0.01");
    assert(out.stdout.includes("raise defaults.budget.per_run_usd"), out.stdout);
    assertStringIncludes(out.stdout, "resume --mission");
  });
});
