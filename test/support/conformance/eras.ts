/**
 * Host conformance for the eras before contract 1.3: the raw envelopes an older spec-kitty
 * answers (the 2.1.3 feature era and the 3.2.x mission era, as recorded from real hosts), driven
 * on the transcript mission. Used for the built-in host's emulation of each era
 * (`host --emulate <era>`) and for a real host of that era (`SPEC_KITTY_BIN`).
 *
 * What is asserted is what an orchestrator decides on: error codes, exit codes, the `command`
 * field, payload keys, lanes, and the guard messages the history of the contract names. Click's
 * wording of usage errors differs between releases, so those are checked by code only.
 *
 * @module
 */
import { join } from "node:path";
import { assertEquals } from "../assert.ts";
import { type EraProfile, ERAS } from "../../../src/host/era.ts";
import type { EraId } from "../../../src/domain/host.ts";
import {
  api,
  commitIn,
  contractVersion,
  type Data,
  type Dialect,
  markStatus,
  missionArgs,
  POLICY,
  type Session,
  wpFlags,
} from "./client.ts";
import { createTranscriptProject, gitIn, WPS } from "./fixture.ts";
import { callHost, type HostUnderTest } from "./hosts.ts";

/** One host of one era, on one project. */
export interface EraSession extends Session {
  era: EraProfile;
  dialect: Dialect;
}

/**
 * What a host of `era` is asked and answers: its contract and mission flag; the envelope key
 * order and timestamp format are not pinned before 1.3, nor a failure's message.
 */
export function eraDialect(era: EraProfile): Dialect {
  return {
    contract: era.contract,
    missionFlag: era.missionFlag,
    keys: null,
    timestamp: null,
    errorMessage: era.errorMessages,
  };
}

/** The checkbox tasks.md older hosts gate on (`- [ ] T001 ...` rows under each WP heading). */
export function checkboxTasksMd(): string {
  return `# Work Packages: Demo greeting library\n\n${
    WPS.map((wp) =>
      `## Work Package ${wp.id}: ${wp.title} (Priority: P1)\n\n` +
      wp.subtasks.map((t) => `- [ ] ${t} ${wp.title} part`).join("\n") + "\n"
    ).join("\n")
  }`;
}

/**
 * The transcript project as `era`'s finalize leaves it: checkbox subtask rows; on the feature
 * era no status events and no lanes.json (its finalize seeds neither).
 */
export async function createEraProject(era: EraProfile, host: HostUnderTest): Promise<string> {
  const real = !host.builtin;
  const run = async (repo: string, args: string[]) => {
    const result = await callHost(host, repo, args);
    if (result.code !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr.slice(-800)}`);
  };
  const feature = era.missionFlag === "--feature";
  const repo = await createTranscriptProject(
    real
      ? (r) =>
        run(r, ["agent", feature ? "feature" : "mission", "finalize-tasks", ...missionArgs(eraDialect(era)), "--json"])
      : null,
    real ? (r) => run(r, ["init", "--ai", "claude", "--non-interactive", ...(feature ? ["--force"] : [])]) : null,
  );
  const dir = join(repo, "kitty-specs", "001-demo");
  await Deno.writeTextFile(join(dir, "tasks.md"), checkboxTasksMd());
  if (!real && feature) {
    await Deno.remove(join(dir, "status.events.jsonl"));
    await Deno.remove(join(dir, "lanes.json"));
  }
  await gitIn(repo, "add", "-A");
  await gitIn(repo, "commit", "-q", "-m", "001-demo: checkbox subtask rows");
  return repo;
}

function flags(s: EraSession, wp: string, actor = "demo-orch"): string[] {
  return wpFlags(wp, actor, missionArgs(s.dialect));
}

const approved = (ref: string) =>
  JSON.stringify({ review: { reviewer: "orch-review", verdict: "approved", reference: ref } });

/** The feature era (spec-kitty 2.x): every transcript answer an orchestrator relies on. */
export async function featureEraLifecycle(t: Deno.TestContext, s: EraSession): Promise<void> {
  const M = missionArgs(s.dialect);
  await t.step("handshake: api_version 1.0.0; a refusal carries no message", async () => {
    assertEquals(await contractVersion(s), {
      api_version: "1.0.0",
      min_supported_provider_version: "0.1.0",
    });
    assertEquals(
      await api(s, "contract-version", ["--provider-version", "0.0.9"], { code: "CONTRACT_VERSION_MISMATCH" }),
      { provider_version: "0.0.9", min_supported_provider_version: "0.1.0", api_version: "1.0.0" },
    );
  });
  await t.step("feature-state; the mission-era spellings are usage errors (the era probe)", async () => {
    const state = await api(s, "feature-state", M);
    assertEquals(Object.keys(state), ["feature_slug", "summary", "work_packages"]);
    assertEquals(state.feature_slug, "001-demo");
    assertEquals(Object.keys(state.summary as Data).includes("in_review"), false, "no in_review lane");
    assertEquals((state.work_packages as Data[]).map((w) => [w.wp_id, w.lane, w.last_actor]), [
      ["WP01", "planned", null],
      ["WP02", "planned", null],
      ["WP03", "planned", null],
    ]);
    await api(s, "mission-state", ["--mission", "001-demo"], { code: "USAGE_ERROR", exit: 2 });
    await api(s, "list-ready", ["--mission", "001-demo"], { code: "USAGE_ERROR", exit: 2 });
    await api(s, "resolve-workspace", [...M, "--wp", "WP01"], { code: "USAGE_ERROR", exit: 2 });
  });
  await t.step("start-implementation: policy required, no dependency gate, the workspace is only named", async () => {
    const missing = await api(s, "start-implementation", flags(s, "WP01"), { code: "POLICY_METADATA_REQUIRED" });
    assertEquals(typeof missing.message, "string");
    const dependent = await api(s, "start-implementation", [...flags(s, "WP02"), "--policy", POLICY]);
    assertEquals(dependent.to_lane, "in_progress", "WP02 depends on WP01 and still starts");
    const started = await api(s, "start-implementation", [...flags(s, "WP01"), "--policy", POLICY]);
    assertEquals(Object.keys(started), [
      "feature_slug",
      "wp_id",
      "from_lane",
      "to_lane",
      "workspace_path",
      "prompt_path",
      "policy_metadata_recorded",
      "no_op",
    ]);
    assertEquals(started.workspace_path, join(s.repo, ".worktrees", "001-demo-WP01"));
    assertEquals(await Deno.stat(String(started.workspace_path)).then(() => true, () => false), false);
    const again = await api(s, "start-implementation", [...flags(s, "WP01"), "--policy", POLICY]);
    assertEquals(again.no_op, true);
    const other = await api(s, "start-implementation", [...flags(s, "WP01", "someone-else"), "--policy", POLICY], {
      code: "WP_ALREADY_CLAIMED",
    });
    assertEquals(other, { claimed_by: "demo-orch", requesting_actor: "someone-else" });
  });
  await t.step("for_review is gated on tasks.md checkboxes (mark-status --feature)", async () => {
    const gate = await api(s, "transition", [...flags(s, "WP01"), "--to", "for_review", "--policy", POLICY], {
      code: "TRANSITION_REJECTED",
    });
    assertEquals(gate.message, "Transition in_progress -> for_review requires completed subtasks or force with reason");
    const marked = await markStatus(s, ["T001", "T002"]);
    assertEquals(Object.keys(marked), ["result", "updated", "not_found", "status", "count"]);
    assertEquals(marked.updated, ["T001", "T002"]);
    await api(s, "transition", [...flags(s, "WP01"), "--to", "for_review", "--policy", POLICY]);
  });
  await t.step("review: no in_review, no evidence flag; start-review sends back; done needs --force", async () => {
    const noRef = await api(s, "start-review", [...flags(s, "WP01", "orch-review"), "--policy", POLICY], {
      code: "TRANSITION_REJECTED",
    });
    assertEquals(noRef.message, "--review-ref is required for start-review (for_review\u2192in_progress guard)");
    const lane = await api(s, "transition", [...flags(s, "WP01"), "--to", "in_review", "--policy", POLICY], {
      code: "TRANSITION_REJECTED",
    });
    assertEquals(lane.message, "Unknown lane: in_review");
    const guard = await api(s, "transition", [...flags(s, "WP01"), "--to", "done", "--review-ref", "review-1"], {
      code: "TRANSITION_REJECTED",
    });
    assertEquals(
      guard.message,
      "Transition to approved/done requires evidence (reviewer identity and approval reference)",
    );
    await api(s, "transition", [...flags(s, "WP01"), "--to", "done", "--evidence-json", approved("review-1")], {
      code: "USAGE_ERROR",
      exit: 2,
    });
    const back = await api(s, "transition", [
      ...flags(s, "WP01"),
      "--to",
      "in_progress",
      "--policy",
      POLICY,
      "--review-ref",
      "review-1",
    ]);
    assertEquals([back.from_lane, back.to_lane], ["for_review", "in_progress"], "a rejection needs no --force");
    await api(s, "transition", [...flags(s, "WP01"), "--to", "for_review", "--policy", POLICY]);
    const done = await api(s, "transition", [
      ...flags(s, "WP01", "orch-review"),
      "--to",
      "done",
      "--force",
      "--note",
      "approved by orch-review (review-2)",
    ]);
    assertEquals([done.feature_slug, done.from_lane, done.to_lane], ["001-demo", "for_review", "done"]);
  });
  await t.step("accept-feature wants every WP done", async () => {
    const notReady = await api(s, "accept-feature", [...M, "--actor", "orch"], { code: "FEATURE_NOT_READY" });
    assertEquals(notReady, { incomplete_wps: ["WP02", "WP03"] });
    await api(s, "accept-mission", ["--mission", "001-demo", "--actor", "orch"], { code: "USAGE_ERROR", exit: 2 });
  });
}

/** The mission era before 1.3 (3.0 - 3.2.5): what differs from 1.3 and the unforced paths. */
export async function missionEraLifecycle(t: Deno.TestContext, s: EraSession): Promise<void> {
  const M = missionArgs(s.dialect);
  const era = s.era;
  await t.step(`handshake: api_version ${era.contract}; the feature-era spellings are usage errors`, async () => {
    assertEquals(await contractVersion(s), {
      api_version: era.contract,
      min_supported_provider_version: "0.1.0",
    });
    await api(s, "feature-state", ["--feature", "001-demo"], { code: "USAGE_ERROR", exit: 2 });
    await api(s, "list-ready", ["--feature", "001-demo"], { code: "USAGE_ERROR", exit: 2 });
    const state = await api(s, "mission-state", M);
    assertEquals(Object.keys(state).slice(0, 3), ["mission_slug", "mission_number", "mission_type"]);
    if (wireHas(era, "resolve-workspace")) {
      const ws = await api(s, "resolve-workspace", [...M, "--wp", "WP01"]);
      assertEquals(ws.lane_id, "lane-a");
    } else {
      await api(s, "resolve-workspace", [...M, "--wp", "WP01"], { code: "USAGE_ERROR", exit: 2 });
    }
  });
  let workspace = "";
  await t.step("start-implementation gates dependencies; the workspace is allocated from 1.1", async () => {
    await api(s, "start-implementation", [...flags(s, "WP02"), "--policy", POLICY], {
      code: "DEPENDENCIES_NOT_SATISFIED",
    });
    const started = await api(s, "start-implementation", [...flags(s, "WP01"), "--policy", POLICY]);
    workspace = String(started.workspace_path);
    const exists = await Deno.stat(workspace).then(() => true, () => false);
    if (era.hostCreatesWorkspace) {
      assertEquals([started.lane_id, exists], ["lane-a", true]);
    } else {
      assertEquals([workspace, exists], [join(s.repo, ".worktrees", "001-demo-WP01"), false]);
    }
    const other = await api(s, "start-implementation", [...flags(s, "WP01", "someone-else"), "--policy", POLICY], {
      code: "WP_ALREADY_CLAIMED",
    });
    assertEquals(other.message, undefined, "no message next to structured fields before 1.3");
  });
  await t.step("for_review: the lane commit gate (1.1+) and the checkbox subtask gate", async () => {
    const forReview = [...flags(s, "WP01"), "--to", "for_review", "--policy", POLICY];
    if (era.hostCreatesWorkspace) {
      const gate = await api(s, "transition", forReview, { code: "TRANSITION_REJECTED" });
      assertEquals([gate.wp_id, gate.lane_id, gate.message], ["WP01", "lane-a", undefined]);
      await commitIn(workspace, "demo/greet.py", "WP01\n");
    }
    const boxes = await api(s, "transition", forReview, { code: "TRANSITION_REJECTED" });
    assertEquals(
      boxes.message,
      "Transition in_progress -> for_review requires completed subtasks or force with reason",
    );
    const marked = await markStatus(s, ["T001", "T002"]);
    assertEquals((marked.results as Data[]).map((r) => [r.id, r.outcome, r.format]), [
      ["T001", "updated", "checkbox"],
      ["T002", "updated", "checkbox"],
    ]);
    await api(s, "transition", forReview);
  });
  await t.step("rework and approval without --force: through blocked, then approved -> done", async () => {
    const illegal = await api(s, "transition", [
      ...flags(s, "WP01"),
      "--to",
      "in_progress",
      "--policy",
      POLICY,
      "--review-ref",
      "review-1",
    ], { code: "TRANSITION_REJECTED" });
    assertEquals(illegal.message, "Illegal transition: for_review -> in_progress");
    await api(s, "transition", [...flags(s, "WP01"), "--to", "blocked", "--note", "changes requested (review-1)"]);
    await api(s, "transition", [...flags(s, "WP01"), "--to", "in_progress", "--policy", POLICY]);
    await api(s, "transition", [
      ...flags(s, "WP01"),
      "--to",
      "approved",
      "--policy",
      POLICY,
      "--evidence-json",
      approved("review-2"),
    ]);
    const done = await api(s, "transition", [
      ...flags(s, "WP01"),
      "--to",
      "done",
      "--evidence-json",
      approved("review-2"),
    ]);
    assertEquals([done.from_lane, done.to_lane], ["approved", "done"]);
  });
  await t.step("in_review: a second reviewer is refused; only --force leaves it", async () => {
    const started = await api(s, "start-implementation", [...flags(s, "WP03"), "--policy", POLICY]);
    if (era.hostCreatesWorkspace) await commitIn(String(started.workspace_path), "docs/usage.md", "WP03\n");
    await markStatus(s, ["T005", "T006"]);
    await api(s, "transition", [...flags(s, "WP03"), "--to", "for_review", "--policy", POLICY]);
    const review = await api(s, "start-review", [...flags(s, "WP03", "orch-review"), "--policy", POLICY]);
    assertEquals([review.to_lane, review.no_op], ["in_review", false]);
    await api(s, "start-review", [...flags(s, "WP03", "another-reviewer"), "--policy", POLICY], {
      code: "WP_ALREADY_CLAIMED",
    });
    const stuck = await api(s, "transition", [
      ...flags(s, "WP03", "orch-review"),
      "--to",
      "done",
      "--policy",
      POLICY,
      "--evidence-json",
      approved("review-3"),
    ], { code: "TRANSITION_REJECTED" });
    assertEquals(stuck.message, "Transition from in_review requires review_result (structured review outcome)");
    await api(s, "transition", [
      ...flags(s, "WP03", "orch-review"),
      "--to",
      "done",
      "--review-result-json",
      JSON.stringify({ reviewer: "orch-review", verdict: "approved", reference: "review-3" }),
    ], { code: "USAGE_ERROR", exit: 2 });
    await api(s, "transition", [
      ...flags(s, "WP03", "orch-review"),
      "--to",
      "done",
      "--policy",
      POLICY,
      "--force",
      "--note",
      "approved by orch-review (review-3)",
      "--evidence-json",
      approved("review-3"),
    ]);
  });
}

function wireHas(era: EraProfile, sub: "resolve-workspace"): boolean {
  return era.commands[sub] !== null;
}

/** The era a host speaks, asked the way the adapter asks (contract-version, then the probe). */
export async function detectEra(host: HostUnderTest, repo: string): Promise<EraId> {
  const info = await callHost(host, repo, ["orchestrator-api", "contract-version"]);
  const version = String((info.json?.data as Data | undefined)?.api_version ?? "");
  if (!version.startsWith("1.0")) {
    return version.startsWith("1.1") ? "1.1-mission" : version.startsWith("1.2") ? "1.2-mission" : "1.3";
  }
  const probe = await callHost(host, repo, ["orchestrator-api", "mission-state", "--mission", "sko-era-probe"]);
  return probe.json?.error_code === "USAGE_ERROR" ? "1.0-feature" : "1.0-mission";
}

/** Runs `era`'s lifecycle on a fresh project of `host`. */
export async function runEraSuite(t: Deno.TestContext, host: HostUnderTest, id: EraId): Promise<void> {
  const era = ERAS[id];
  const repo = await createEraProject(era, host);
  try {
    const s: EraSession = { host, repo, era, dialect: eraDialect(era) };
    if (era.missionFlag === "--feature") await featureEraLifecycle(t, s);
    else await missionEraLifecycle(t, s);
  } finally {
    await gitIn(repo, "worktree", "prune").catch(() => {});
    await Deno.remove(repo, { recursive: true });
  }
}
