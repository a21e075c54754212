/**
 * The guide: "If an OpenCode-backed run blocks with an error such as Model not found, fix the
 * local OpenCode provider/model configuration and rerun." A reviewer failing with model not found
 * blocks the WP on the host with the agent's error (exit 3), the next steps name the command that
 * acts, and re-running the same guide command after the fix retries the review and finishes,
 * without running the implementer again. A WP blocked by review rejections is left alone by a
 * plain re-run and taken up with --retry-blocked. A run state path that is a directory is
 * reported as such by status and resume.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  finalLanes,
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

const GUIDE = orchestrateArgs(
  MISSION,
  "--impl-agent",
  "claude-code",
  "--review-agent",
  "opencode",
  "--max-concurrent",
  "1",
);

Deno.test("a reviewer with model not found blocks the WP; the same guide command after the fix retries it and finishes", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "opencode", "review", "model_missing");
    const blocked = await runCli(e, GUIDE);
    assertEquals(blocked.code, 3, blocked.text);
    assertEquals(finalLanes(await readHostEvents(e)).WP01, "blocked");
    const event = laneEvents(await readHostEvents(e)).at(-1)!;
    assertStringIncludes(String(event.reason), "Model not found: fake/nope");
    const state = await readState(e);
    assertEquals((state.wps.WP01 as unknown as { stop_cause: { kind: string } }).stop_cause.kind, "agent_config");
    // The next steps name the command that acts on it, not one that does nothing.
    assertStringIncludes(blocked.text, "WP01: fix opencode (model not found: Model not found: fake/nope)");
    assertStringIncludes(blocked.text, `spec-kitty-orchestrator resume --mission ${MISSION}`);
    assert(!blocked.text.includes("--retry-blocked"), blocked.text);

    // The user fixes the model and re-runs the guide's command.
    await setFakeMode(e.control, "opencode", "review", "approve");
    const again = await runCli(e, GUIDE);
    assertEquals(again.code, 0, again.text);
    assertStringIncludes(again.text, `Continuing the unfinished run ${state.run_id}`);
    assertStringIncludes(
      again.text,
      "WP01: retrying (blocked by this orchestrator as opencode failed (model_not_found)",
    );
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const calls = await readCalls(e.control);
    assertEquals(calls.filter((c) => c.role === "impl").length, 1, "the implementer ran again");
    assertEquals(calls.filter((c) => c.role === "review").length, 2, "one failed review, one approval");
    assertEquals((await readState(e)).run_id, state.run_id);
  });
});

Deno.test("a WP blocked by review rejections stays blocked on a plain re-run; --retry-blocked takes it up", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const args = orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex");
    await setFakeMode(e.control, "codex", "review", "reject_always");
    const first = await runCli(e, args);
    assertEquals(first.code, 3, first.text);
    assertStringIncludes(first.text, `resume --mission ${MISSION} --retry-blocked`);
    await setFakeMode(e.control, "codex", "review", "approve");
    const plain = await runCli(e, args);
    assertEquals(plain.code, 3, plain.text);
    assertEquals(finalLanes(await readHostEvents(e)).WP01, "blocked", "a plain re-run unblocked a rejected WP");
    const implBefore = (await readCalls(e.control)).filter((c) => c.role === "impl").length;
    const retried = await runCli(e, ["resume", "--no-caffeinate", "--retry-blocked"]);
    assertEquals(retried.code, 0, retried.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    // Taken up as a rework of the last feedback, then reviewed.
    assertEquals((await readCalls(e.control)).filter((c) => c.role === "impl").length, implBefore + 1);
  });
});

Deno.test("status and resume say what is wrong when the run state path is a directory", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    const path = `${e.repo}/.kittify/orchestrator-run-state.${MISSION}.json`;
    await Deno.mkdir(path, { recursive: true });
    for (const args of [["status"], ["status", "--mission", MISSION], ["resume", "--no-caffeinate"]]) {
      const out = await runCli(e, args);
      assertEquals(out.code, 1, out.text);
      assertStringIncludes(out.text, `Cannot use the run state ${path} as it must be a file: it is a directory`);
      assertStringIncludes(out.text, `mv ${path} ${path}.moved`);
      assert(!out.text.includes("No orchestration run state found"), out.text);
    }
  });
});
