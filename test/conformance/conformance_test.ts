/**
 * Host conformance: one full mission lifecycle driven through raw envelopes, asserting the
 * shapes, codes and messages the real host printed when recorded (transcript A). Runs against the built-in host always
 * and against the real spec-kitty when `SPEC_KITTY_BIN` names one.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  api,
  commitIn,
  contractVersion,
  type Data,
  evidence,
  fastTrack,
  IDENTITY,
  M,
  markStatus,
  POLICY,
  review,
  type Session,
  startImpl,
  toLane,
  wpFlags,
} from "../support/conformance/client.ts";
import { createTranscriptProject, gitIn } from "../support/conformance/fixture.ts";
import { BUILTIN, callHost, type HostUnderTest, realHost } from "../support/conformance/hosts.ts";
import { detectEra, runEraSuite } from "../support/conformance/eras.ts";

async function lifecycle(t: Deno.TestContext, s: Session): Promise<void> {
  await t.step("handshake", async () => {
    assertEquals(await contractVersion(s), {
      api_version: "1.3.0",
      min_supported_provider_version: "0.1.0",
    });
    assertEquals(
      await api(s, "contract-version", ["--provider-version", "0.0.9"], { code: "CONTRACT_VERSION_MISMATCH" }),
      {
        provider_version: "0.0.9",
        min_supported_provider_version: "0.1.0",
        api_version: "1.3.0",
        message: "Provider version '0.0.9' is below minimum '0.1.0'",
      },
    );
  });

  await t.step("mission-state and list-ready", async () => {
    const state = await api(s, "mission-state", M);
    assertEquals(Object.keys(state), ["mission_slug", "mission_number", "mission_type", "summary", "work_packages"]);
    assertEquals(state.summary, {
      planned: 3,
      claimed: 0,
      in_progress: 0,
      for_review: 0,
      in_review: 0,
      approved: 0,
      done: 0,
      blocked: 0,
      canceled: 0,
    });
    assertEquals(state.work_packages, [
      { wp_id: "WP01", lane: "planned", dependencies: [], last_actor: null },
      { wp_id: "WP02", lane: "planned", dependencies: ["WP01"], last_actor: null },
      { wp_id: "WP03", lane: "planned", dependencies: [], last_actor: null },
    ]);
    assertEquals(await api(s, "list-ready", M), {
      ...IDENTITY,
      ready_work_packages: [
        { wp_id: "WP01", lane: "planned", dependencies_satisfied: true },
        { wp_id: "WP03", lane: "planned", dependencies_satisfied: true },
      ],
    });
    const ws = await api(s, "resolve-workspace", [...M, "--wp", "WP02"]);
    assertEquals(ws, {
      ...IDENTITY,
      wp_id: "WP02",
      workspace_path: join(s.repo, ".worktrees", "001-demo-lane-b"),
      prompt_path: join(s.repo, "kitty-specs", "001-demo", "tasks", "WP02-shouting-function.md"),
      lane_id: "lane-b",
      lane_branch: "kitty/mission-001-demo-lane-b",
      lane_base_ref: "feature/demo",
    });
  });

  await t.step("error envelopes", async () => {
    assertEquals(await api(s, "mission-state", ["--mission", "999-nope"], { code: "MISSION_NOT_FOUND" }), {
      message: "Mission '999-nope' not found in kitty-specs/",
    });
    assertEquals(await api(s, "mission-state", [], { code: "USAGE_ERROR", exit: 2 }), {
      message: "Missing option '--mission'.",
    });
    assertEquals(await api(s, "mission-state", [...M, "--bogus"], { code: "USAGE_ERROR", exit: 2 }), {
      message: "No such option '--bogus'.",
    });
    assertEquals(await api(s, "mission-state", ["--feature", "001-demo"], { code: "USAGE_ERROR", exit: 2 }), {
      message: "No such option '--feature'.",
    });
    assertEquals(
      (await startImpl(s, "WP09", "demo-orch", "WP_NOT_FOUND")).message,
      "Work package 'WP09' not found in 001-demo",
    );
    assertEquals(await api(s, "start-implementation", wpFlags("WP01"), { code: "POLICY_METADATA_REQUIRED" }), {
      message: "--policy is required for start-implementation",
    });
    const banned = JSON.stringify({ ...JSON.parse(POLICY), dangerous_flags: ["--yolo"] });
    assertEquals(
      (await api(s, "start-implementation", [...wpFlags("WP01"), "--policy", banned], {
        code: "POLICY_VALIDATION_FAILED",
      }))
        .message,
      "--policy.dangerous_flags contains a banned flag: '--yolo'. Banned flags must never appear in orchestrator policy payloads.",
    );
    assertEquals(await startImpl(s, "WP02", "demo-orch", "DEPENDENCIES_NOT_SATISFIED"), {
      ...IDENTITY,
      wp_id: "WP02",
      unsatisfied_dependencies: ["WP01"],
      message:
        "dependencies_not_satisfied: WP02 depends on WP01; all dependencies must be approved or done before implementation can start",
    });
  });

  let laneA = "";
  await t.step("start-implementation creates the lane worktree; claims are enforced", async () => {
    const started = await startImpl(s, "WP01");
    assertEquals(Object.keys(started), [
      ...Object.keys(IDENTITY),
      "wp_id",
      "from_lane",
      "to_lane",
      "workspace_path",
      "prompt_path",
      "policy_metadata_recorded",
      "no_op",
      "lane_id",
      "lane_branch",
      "lane_base_ref",
    ]);
    assertEquals([started.from_lane, started.to_lane, started.no_op], ["planned", "in_progress", false]);
    laneA = String(started.workspace_path);
    assertEquals(laneA, join(s.repo, ".worktrees", "001-demo-lane-a"));
    assertEquals(await gitIn(laneA, "rev-parse", "--abbrev-ref", "HEAD"), "kitty/mission-001-demo-lane-a");
    const again = await startImpl(s, "WP01");
    assertEquals([again.from_lane, again.to_lane, again.no_op], ["in_progress", "in_progress", true]);
    assertEquals(await startImpl(s, "WP01", "other-orch", "WP_ALREADY_CLAIMED"), {
      ...IDENTITY,
      claimed_by: "demo-orch",
      requesting_actor: "other-orch",
      message: "WP WP01 is already claimed for implementation by 'demo-orch'",
    });
  });

  await t.step("for_review needs a lane commit, then every subtask marked", async () => {
    const flags = ["--subtasks-complete", "--implementation-evidence-present", "--note", "no commit yet"];
    const gate = await toLane(s, "WP01", "for_review", flags, "TRANSITION_REJECTED");
    assertEquals({ ...gate, message: undefined }, {
      ...IDENTITY,
      wp_id: "WP01",
      lane_id: "lane-a",
      message: undefined,
    });
    assertMatch(String(gate.message), /^WP01 cannot move to for_review: no implementation commit on lane lane-a/);
    await commitIn(laneA, "demo/greet.py", "def greet(name):\n    return f'Hello, {name}!'\n");
    assertEquals(
      (await toLane(s, "WP01", "for_review", flags, "TRANSITION_REJECTED")).message,
      "Transition in_progress -> for_review requires completed subtasks or force with reason",
    );
    const marked = await markStatus(s, ["T001", "T002"]);
    assertEquals(marked.summary, { updated: 2, already_satisfied: 0, not_found: 0 });
    assertEquals((marked.results as Data[])[0], {
      id: "T001",
      outcome: "updated",
      format: "authored_roster",
      message: "T001 resolved from WP01's authored subtasks roster.",
    });
    assertEquals(await toLane(s, "WP01", "for_review", flags), {
      ...IDENTITY,
      wp_id: "WP01",
      from_lane: "in_progress",
      to_lane: "for_review",
      policy_metadata_recorded: true,
    });
  });

  await t.step("review: rejection back to in_progress, then approval to done", async () => {
    const ref1 = "review/WP01/attempt-1";
    assertEquals(
      (await toLane(
        s,
        "WP01",
        "done",
        ["--review-ref", ref1, "--review-result-json", review("approved", ref1)],
        "TRANSITION_REJECTED",
      )).message,
      "Illegal transition: for_review -> done",
    );
    const started = await api(s, "start-review", [...wpFlags("WP01"), "--policy", POLICY, "--review-ref", ref1]);
    assertEquals(started, {
      ...IDENTITY,
      wp_id: "WP01",
      from_lane: "for_review",
      to_lane: "in_review",
      prompt_path: join(s.repo, "kitty-specs", "001-demo", "tasks", "WP01-greeting-function.md"),
      policy_metadata_recorded: true,
      no_op: false,
    });
    const noOp = await api(s, "start-review", [...wpFlags("WP01", "other-reviewer"), "--policy", POLICY]);
    assertEquals(noOp.no_op, true);
    assertEquals(
      (await toLane(s, "WP01", "done", ["--review-ref", ref1], "TRANSITION_REJECTED")).message,
      "Transition from in_review requires review_result (structured review outcome)",
    );
    const back = await toLane(s, "WP01", "in_progress", [
      "--review-ref",
      ref1,
      "--review-result-json",
      review("changes_requested", ref1),
      "--note",
      "Review rejected; rework required",
    ]);
    assertEquals([back.from_lane, back.to_lane], ["in_review", "in_progress"]);
    const hist = await api(s, "append-history", [...wpFlags("WP01"), "--note", "Reviewer asked for a docstring"]);
    assertEquals(Object.keys(hist), [...Object.keys(IDENTITY), "wp_id", "history_entry_id"]);
    assertMatch(String(hist.history_entry_id), /^hist-[0-9a-f]{32}$/);
    await commitIn(laneA, "demo/greet.py", 'def greet(name):\n    """Greet."""\n    return f\'Hello, {name}!\'\n');
    await toLane(s, "WP01", "for_review", ["--note", "Rework complete"]);
    const ref2 = "review/WP01/attempt-2";
    await api(s, "start-review", [...wpFlags("WP01"), "--policy", POLICY, "--review-ref", ref2]);
    const approve = ["--review-ref", ref2, "--review-result-json", review("approved", ref2)];
    assertEquals(
      (await toLane(s, "WP01", "done", [
        ...approve,
        "--evidence-json",
        evidence(ref2, "someone-else"),
        "--note",
        "mismatched evidence",
      ], "TRANSITION_REJECTED")).message,
      "Review evidence must match review_result",
    );
    const done = await toLane(s, "WP01", "done", [...approve, "--evidence-json", evidence(ref2), "--note", "Approved"]);
    assertEquals([done.from_lane, done.to_lane], ["in_review", "done"]);
  });

  await t.step("the dependent WP becomes ready; accept needs every WP approved or done", async () => {
    const ready = await api(s, "list-ready", M);
    assertEquals((ready.ready_work_packages as Data[]).map((w) => w.wp_id), ["WP02", "WP03"]);
    assertEquals(await api(s, "accept-mission", [...M, "--actor", "demo-orch"], { code: "MISSION_NOT_READY" }), {
      ...IDENTITY,
      incomplete_wps: ["WP02", "WP03"],
      message: "Mission has 2 incomplete WP(s)",
    });
    await fastTrack(s, "WP02", ["T003", "T004"], "demo/shout.py", "done");
    await fastTrack(s, "WP03", ["T005", "T006"], "docs/usage.md", "approved");
    const accepted = await api(s, "accept-mission", [...M, "--actor", "demo-orch"]);
    assertEquals({ ...accepted, accepted_at: "" }, {
      ...IDENTITY,
      accepted: true,
      mode: "auto",
      accepted_at: "",
      accepted_wps: ["WP03", "WP01", "WP02"],
      approved_wps: ["WP03"],
      done_wps: ["WP01", "WP02"],
      merge_pending_wps: ["WP03"],
    });
    const meta = JSON.parse(await Deno.readTextFile(join(s.repo, "kitty-specs", "001-demo", "meta.json")));
    assertEquals([meta.accepted_by, meta.acceptance_mode], ["demo-orch", "orchestrator"]);
  });
}

async function builtinExtras(t: Deno.TestContext, s: Session): Promise<void> {
  await t.step("builtin: traversal is a clean envelope", async () => {
    const data = await api(s, "list-ready", ["--mission", "../etc"], { code: "USAGE_ERROR" });
    assertMatch(String(data.message), /traversal guard/);
    await api(s, "resolve-workspace", [...M, "--wp", "../../x"], { code: "USAGE_ERROR" });
  });

  await t.step("builtin: the event log and status.json match the host's on-disk format", async () => {
    const dir = join(s.repo, "kitty-specs", "001-demo");
    const lines = (await Deno.readTextFile(join(dir, "status.events.jsonl"))).trimEnd().split("\n");
    const events = lines.map((l) => JSON.parse(l));
    const lane = events.filter((e) => e.to_lane !== undefined);
    for (const e of lane) {
      assertEquals(Object.keys(e), Object.keys(e).sort(), "keys are written sorted, like the host");
      for (
        const key of [
          "event_id",
          "wp_id",
          "from_lane",
          "to_lane",
          "at",
          "actor",
          "force",
          "reason",
          "execution_mode",
          "review_ref",
          "evidence",
          "policy_metadata",
          "mission_slug",
        ]
      ) assert(key in e, `event lacks ${key}`);
      assertMatch(e.event_id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    }
    assert(events.some((e) => e.kind === "annotation" && e.delta?.subtasks?.T001 === "done"));
    const status = JSON.parse(await Deno.readTextFile(join(dir, "status.json")));
    assertEquals(status.event_count, lines.length);
    assertEquals(status.work_packages.WP01.lane, "done");
    assertEquals(status.work_packages.WP01.subtasks, { T001: "done", T002: "done" });
    assertMatch(status.work_packages.WP01.notes[0], /^- \[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] demo-orch: Reviewer asked/);
  });

  await t.step("builtin: merge-mission integrates the lanes and moves approved WPs to done", async () => {
    assertEquals(
      (await api(s, "merge-mission", [...M, "--strategy", "octopus"], { code: "UNSUPPORTED_STRATEGY" })).supported,
      ["merge", "rebase", "squash"],
    );
    const merged = await api(s, "merge-mission", M);
    assertEquals({ ...merged, worktree_removed: undefined }, {
      ...IDENTITY,
      merged: true,
      target_branch: "feature/demo",
      strategy: "merge",
      merged_wps: ["WP01", "WP02", "WP03"],
      worktree_removed: undefined,
    });
    for (const file of ["demo/greet.py", "demo/shout.py", "docs/usage.md"]) await Deno.stat(join(s.repo, file));
    const state = await api(s, "mission-state", M);
    assertEquals((state.summary as Data).done, 3);
  });
}

async function withProject(host: HostUnderTest, t: Deno.TestContext, body: (s: Session) => Promise<void>) {
  const real = !host.builtin;
  const run = async (repo: string, args: string[]) => {
    const result = await callHost(host, repo, args);
    if (result.code !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr.slice(-800)}`);
  };
  const repo = await createTranscriptProject(
    real ? (r) => run(r, ["agent", "mission", "finalize-tasks", ...M, "--json"]) : null,
    real ? (r) => run(r, ["init", "--ai", "claude", "--non-interactive"]) : null,
  );
  try {
    await body({ host, repo });
  } finally {
    await gitIn(repo, "worktree", "prune").catch(() => {});
    await Deno.remove(repo, { recursive: true });
  }
  void t;
}

Deno.test("conformance: builtin host drives the transcript mission through raw envelopes", async (t) => {
  await withProject(BUILTIN, t, async (s) => {
    await lifecycle(t, s);
    await builtinExtras(t, s);
  });
});

const REAL = realHost();
Deno.test({
  name: REAL ? "conformance: real spec-kitty host (SPEC_KITTY_BIN)" : "conformance: real spec-kitty host " +
    "(ignored: set SPEC_KITTY_BIN to a spec-kitty binary of any era since 2.0 to run its era's suite against it)",
  ignore: REAL === null,
  async fn(t) {
    if (REAL === null) return;
    // An older host gets the suite of its era (eras.ts); contract 1.3 the full lifecycle above.
    const probeDir = await Deno.makeTempDir({ prefix: "sko-era-probe-" });
    const era = await detectEra(REAL, probeDir).finally(() => Deno.remove(probeDir, { recursive: true }));
    if (era !== "1.3") return await runEraSuite(t, REAL, era);
    await withProject(REAL, t, (s) => lifecycle(t, s));
  },
});
