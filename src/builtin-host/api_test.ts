import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { runOrchestratorApi } from "./api.ts";
import { callApi, makeMission, TEST_POLICY } from "../../test/support/mission_fixture.ts";

const M = ["--mission", "001-demo"];
const P = ["--policy", TEST_POLICY];
const noRoot = () => Promise.reject(new Error("must not need a project"));

Deno.test("runOrchestratorApi() turns parser errors into USAGE_ERROR envelopes (unknown, exit 2)", async () => {
  const cases: [string[], string][] = [
    [[], "Missing command."],
    [["frobnicate"], "No such command 'frobnicate'."],
    [["list-ready"], "Missing option '--mission'."],
    [["list-ready", "--feature", "x"], "No such option '--feature'."],
    [["transition", ...M, "--wp", "WP01", "--actor", "a"], "Missing option '--to'."],
  ];
  for (const [args, message] of cases) {
    const outcome = await runOrchestratorApi(args, noRoot);
    const env = JSON.parse(outcome.stdout);
    assertEquals([outcome.exitCode, env.command, env.error_code, env.data], [
      2,
      "orchestrator-api.unknown",
      "USAGE_ERROR",
      { message },
    ]);
    assert(outcome.stdout.endsWith("}\n") && outcome.stdout.split("\n").length === 2, "exactly one line");
  }
});

Deno.test("runOrchestratorApi() prints help text for --help", async () => {
  const outcome = await runOrchestratorApi(["transition", "--help"], noRoot);
  assertEquals(outcome.exitCode, 0);
  assertStringIncludes(outcome.stdout, "--subtasks-complete/--no-subtasks-complete");
});

Deno.test("contract-version works without a project and validates the provider version", async () => {
  const ok = await runOrchestratorApi(["contract-version", "--provider-version", "1.0.0rc1"], noRoot);
  assertEquals(ok.exitCode, 0);
  const bad = JSON.parse(
    (await runOrchestratorApi(["contract-version", "--provider-version", "not.a.version"], noRoot)).stdout,
  );
  assertEquals([bad.error_code, bad.data.provider_version], ["CONTRACT_VERSION_MISMATCH", "not.a.version"]);
  const pre = JSON.parse(
    (await runOrchestratorApi(["contract-version", "--provider-version", "0.1.0a1"], noRoot)).stdout,
  );
  assertEquals(pre.error_code, "CONTRACT_VERSION_MISMATCH");
});

Deno.test("start-implementation refuses an unfinalized WP and legacy WPs get the bare path, created never", async () => {
  const root = await makeMission([{ id: "WP01", finalized: false }, { id: "WP02" }, { id: "WP03", deps: ["WP02"] }]);
  try {
    const raw = await callApi(root, ["start-implementation", ...M, "--wp", "WP01", "--actor", "a", ...P]);
    assertEquals([raw.code, raw.data.message], [
      "TRANSITION_REJECTED",
      "WP WP01 is not finalized; run `spec-kitty agent mission finalize-tasks`",
    ]);
    const started = await callApi(root, ["start-implementation", ...M, "--wp", "WP02", "--actor", "a", ...P]);
    assertEquals(started.data.workspace_path, join(root, ".worktrees", "001-demo-WP02"));
    assertEquals("lane_id" in started.data, false);
    assertEquals(await Deno.stat(join(root, ".worktrees")).then(() => true, () => false), false);
    const blocked = await callApi(root, ["start-implementation", ...M, "--wp", "WP03", "--actor", "a", ...P]);
    assertEquals(blocked.data.unsatisfied_dependencies, ["WP02"]);
    const review = await callApi(root, ["start-review", ...M, "--wp", "WP02", "--actor", "a", ...P]);
    assertEquals([review.code, review.data.message], [
      "TRANSITION_REJECTED",
      "WP WP02 is in 'in_progress', cannot start review",
    ]);
    const restart = await callApi(root, ["start-implementation", ...M, "--wp", "WP02", "--actor", "a", ...P]);
    assertEquals(restart.data.no_op, true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("transition validates policy, JSON inputs and force before writing anything", async () => {
  const root = await makeMission([{ id: "WP01", subtasks: ["T001"] }]);
  const log = join(root, "kitty-specs", "001-demo", "status.events.jsonl");
  try {
    const before = await Deno.readTextFile(log);
    const t = (...extra: string[]) => callApi(root, ["transition", ...M, "--wp", "WP01", "--actor", "a", ...extra]);
    assertEquals(
      (await t("--to", "for_review")).data.message,
      "--policy is required when transitioning to 'for_review'",
    );
    assertEquals((await t("--to", "blocked", "--policy", "{}")).code, "POLICY_VALIDATION_FAILED");
    const ev = await t("--to", "blocked", "--evidence-json", "[1]");
    assertEquals([ev.code, ev.exitCode, ev.envelope.command, ev.data.message], [
      "USAGE_ERROR",
      1,
      "orchestrator-api.transition",
      "--evidence-json must be a JSON object",
    ]);
    const rr = await t("--to", "blocked", "--review-result-json", '{"reviewer":"r","verdict":"maybe","reference":"x"}');
    assertEquals(rr.code, "USAGE_ERROR");
    assertEquals(
      (await t("--to", "blocked", "--review-result-json", '{"reviewer":"","verdict":"approved"}')).data.message,
      "--review-result-json field 'reviewer' must be a non-empty string",
    );
    assertEquals((await t("--to", "weird")).code, "TRANSITION_REJECTED");
    assertEquals(
      (await t("--to", "done", "--force")).data.message,
      "Force transitions require an actor and a non-empty reason (--note)",
    );
    assertEquals((await t("--to", "done")).data.message, "Illegal transition: planned -> done");
    assertEquals(await Deno.readTextFile(log), before, "no rejected call wrote an event");
    const forced = await t("--to", "Doing", "--force", "--note", "recovery", ...P);
    assertEquals([forced.data.from_lane, forced.data.to_lane, forced.data.policy_metadata_recorded], [
      "planned",
      "in_progress",
      true,
    ]);
    const status = JSON.parse(await Deno.readTextFile(join(root, "kitty-specs", "001-demo", "status.json")));
    assertEquals(status.work_packages.WP01.force_count, 1);
    const blocked = await t("--to", "blocked");
    assertEquals(blocked.data.policy_metadata_recorded, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("accept-mission records acceptance in meta.json with bounded history", async () => {
  const root = await makeMission([{ id: "WP01" }]);
  try {
    const t = (...extra: string[]) => callApi(root, ["transition", ...M, "--wp", "WP01", "--actor", "a", ...extra]);
    await t("--to", "approved", "--force", "--note", "test shortcut", ...P);
    for (let i = 0; i < 22; i++) {
      const accepted = await callApi(root, ["accept-mission", ...M, "--actor", "acceptor"]);
      assertEquals(accepted.data.merge_pending_wps, ["WP01"]);
    }
    const meta = JSON.parse(await Deno.readTextFile(join(root, "kitty-specs", "001-demo", "meta.json")));
    assertEquals([meta.accepted_by, meta.acceptance_mode, meta.acceptance_history.length], [
      "acceptor",
      "orchestrator",
      20,
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unreadable WP file becomes a failure envelope, never a crash", async () => {
  const root = await makeMission([{ id: "WP01" }]);
  try {
    await Deno.writeTextFile(join(root, "kitty-specs", "001-demo", "tasks", "WP02-bad.md"), "---\n: [\n---\n");
    const out = await callApi(root, ["mission-state", ...M]);
    assertEquals([out.code, out.exitCode], ["INVALID_WP_FRONTMATTER", 1]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
