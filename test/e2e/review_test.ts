/**
 * Review outcomes end to end: a rejection is reworked and then approved; too many rejections
 * block the WP; a crashing reviewer is retried; a reviewer without a verdict is a reviewer
 * failure (never an approval).
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  laneEvents,
  MISSION,
  orchestrateArgs,
  readCalls,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const ARGS = orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex");

Deno.test("orchestrate: a rejected review is reworked, reviewed again and ends done", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "reject_once");
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const lanes = laneEvents(await readHostEvents(e));
    assertEquals(lanes.map((ev) => ev.to_lane), [
      "planned",
      "claimed",
      "in_progress",
      "for_review",
      "in_review",
      "in_progress",
      "for_review",
      "in_review",
      "done",
    ]);
    const rejection = lanes[5]!;
    assert(typeof rejection.review_ref === "string" && rejection.review_ref !== "", "rejection without review_ref");
    const done = lanes[8]!;
    assert(done.review_ref !== rejection.review_ref, "the second review reused the first review_ref");
    assertEquals(
      (await readCalls(e.control)).map((c) => `${c.cli} ${c.role} ${c.n}`),
      ["claude impl 1", "codex review 1", "claude impl 2", "codex review 2"],
    );
    const state = await readState(e);
    assertEquals(state.wps.WP01?.review_cycles, 1);
    assertStringIncludes(state.wps.WP01?.outcome?.reason ?? "", "after 1 rework");
  });
});

Deno.test("orchestrate: a reviewer that crashes once is retried and the WP ends done", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "crash_once");
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals(
      (await readCalls(e.control)).map((c) => `${c.cli} ${c.role} ${c.n}`),
      ["claude impl 1", "codex review 1", "codex review 2"],
    );
    const reviews = (await readState(e)).wps.WP01!.attempts.filter((a) => a.role === "review");
    assertEquals(reviews.map((a) => a.result), ["crash", "ok"]);
  });
});

Deno.test("orchestrate: a reviewer without a verdict never approves; the WP fails with the reason, exit 3", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "no_verdict");
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 3, out.text);
    const lanes = laneEvents(await readHostEvents(e));
    assertEquals(lanes.some((ev) => ev.to_lane === "done"), false, "a reviewer without a verdict approved");
    await checkInvariants(e, { lanes: { WP01: "in_review" } });
    const wp = (await readState(e)).wps.WP01!;
    assertEquals(wp.outcome?.kind, "failed");
    assertStringIncludes(wp.outcome?.reason ?? "", "review could not be completed");
    assertStringIncludes(wp.last_error ?? "", "without a verdict");
    assertEquals(wp.attempts.filter((a) => a.role === "review").length, 2);
  });
});

Deno.test("orchestrate: a reviewer that always rejects blocks the WP after max_review_cycles reworks, exit 3", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "reject_always");
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 3, out.text);
    await checkInvariants(e, { lanes: { WP01: "blocked" } });
    // max_review_cycles: 2 in the harness config: two reworks, the third rejection blocks.
    assertEquals(
      (await readCalls(e.control)).map((c) => `${c.cli} ${c.role}`),
      ["claude impl", "codex review", "claude impl", "codex review", "claude impl", "codex review"],
    );
    const wp = (await readState(e)).wps.WP01!;
    assertEquals(wp.outcome?.kind, "blocked");
    assertStringIncludes(wp.outcome?.reason ?? "", "Please redo WP01");
  });
});

Deno.test("orchestrate: a reviewer that edits the worktree and approves has its edits discarded; the next WP on the lane still runs", async () => {
  await withE2e(spreadMission(2, 1), {}, async (e) => {
    await setFakeMode(e.control, "codex", "review", "edit_approve");
    const out = await runCli(e, ARGS);
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done", WP02: "done" } });
    assertStringIncludes(out.text, "reviewer 'codex' changed the worktree");
    const ws = join(e.repo, ".worktrees", `${MISSION}-lane-a`);
    const status = await new Deno.Command("git", { args: ["-C", ws, "status", "--porcelain"], stdout: "piped" })
      .output();
    assertEquals(new TextDecoder().decode(status.stdout).trim(), "");
    // The reviewed content is what was committed: the reviewer's line never made it in.
    const file = await Deno.readTextFile(join(ws, "e2e", "WP01.txt"));
    assertEquals(file.includes("reviewer was here"), false);
  });
});
