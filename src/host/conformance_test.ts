/**
 * Conformance: the host's recorded envelopes (fixtures and live transcripts) decode to the
 * right typed values or the right typed errors.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import { decodeStdout, extractEnvelopeJson, interpretEnvelope } from "./envelope.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import type { HostSubcommand } from "./subcommands.ts";

const ROOT = "/tmp/repo";

/** Prefer the in-repo copy; fall back to /work/shared beside the repo. */
async function fixtureDir(): Promise<URL> {
  const local = new URL("../../test/fixtures/contract/", import.meta.url);
  try {
    await Deno.stat(new URL("contract_version_success.json", local));
    return local;
  } catch {
    return new URL("../../../shared/contract/fixtures/", import.meta.url);
  }
}

async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`${name}.json`, await fixtureDir()));
}

const ID = { missionSlug: "099-test-feature", missionNumber: null, missionType: "" };
const WS = "/tmp/repo/.worktrees/099-test-feature-lane-a";
const PROMPT = "/tmp/repo/kitty-specs/099-test-feature/tasks/WP01.md";
const LANE = {
  laneId: "lane-a",
  laneBranch: "kitty/mission-099-test-feature-lane-a",
  laneBaseRef: "kitty/mission-099-test-feature",
};

const SUCCESS: [string, HostSubcommand, unknown][] = [
  ["contract_version_success", "contract-version", { apiVersion: "1.3.0", minSupportedProviderVersion: "0.1.0" }],
  ["mission_state_success", "mission-state", {
    ...ID,
    summary: { total: 2, planned: 1, in_progress: 1, done: 0 },
    workPackages: [
      { wpId: "WP01", lane: "in_progress", dependencies: [], lastActor: "claude-code" },
      { wpId: "WP02", lane: "planned", dependencies: ["WP01"], lastActor: null },
    ],
  }],
  ["list_ready_success", "list-ready", {
    ...ID,
    readyWorkPackages: [{ wpId: "WP01", lane: "planned", dependenciesSatisfied: true }],
  }],
  ["resolve_workspace_success", "resolve-workspace", {
    ...ID,
    ...LANE,
    wpId: "WP01",
    workspacePath: WS,
    promptPath: PROMPT,
  }],
  ["start_implementation_success", "start-implementation", {
    ...ID,
    ...LANE,
    wpId: "WP01",
    workspacePath: WS,
    promptPath: PROMPT,
    fromLane: "planned",
    toLane: "in_progress",
    policyMetadataRecorded: true,
    noOp: false,
  }],
  ["start_review_success", "start-review", {
    ...ID,
    wpId: "WP01",
    fromLane: "for_review",
    toLane: "in_review",
    promptPath: PROMPT,
    policyMetadataRecorded: true,
    noOp: false,
  }],
  ["transition_success", "transition", {
    ...ID,
    wpId: "WP01",
    fromLane: "in_progress",
    toLane: "for_review",
    policyMetadataRecorded: false,
  }],
  ["append_history_success", "append-history", { ...ID, wpId: "WP01", historyEntryId: "hist-deadbeef12345678" }],
  ["accept_mission_success", "accept-mission", {
    ...ID,
    accepted: true,
    mode: "auto",
    acceptedAt: "2026-01-01T00:00:00+00:00",
    acceptedWps: [],
    approvedWps: [],
    doneWps: [],
    mergePendingWps: [],
  }],
  ["merge_mission_success", "merge-mission", {
    ...ID,
    merged: true,
    targetBranch: "main",
    strategy: "merge",
    mergedWps: ["WP01", "WP02"],
    worktreeRemoved: false,
  }],
];

for (const [name, sub, expected] of SUCCESS) {
  Deno.test(`decodeStdout() fixture ${name} gives the typed ${sub} result`, async () => {
    assertEquals(decodeStdout(sub, await fixture(name), ROOT), expected);
  });
}

const FAILURES: [string, HostSubcommand, string, string][] = [
  ["error_contract_mismatch", "contract-version", "CONTRACT_VERSION_MISMATCH", "host offers 1.0.0"],
  ["error_mission_not_found", "mission-state", "MISSION_NOT_FOUND", "nonexistent-feature"],
  ["error_policy_required", "start-implementation", "POLICY_METADATA_REQUIRED", "--policy is required"],
  ["error_transition_rejected", "transition", "TRANSITION_REJECTED", "cannot transition to 'done'"],
];

for (const [name, sub, code, text] of FAILURES) {
  Deno.test(`decodeStdout() fixture ${name} throws HostError ${code}`, async () => {
    const stdout = await fixture(name);
    const error = assertThrows(() => decodeStdout(sub, stdout, ROOT), HostError);
    assertEquals(error.code, code);
    assertEquals(error.rawCode, code);
    assertEquals(error.command, sub);
    assertStringIncludes(String(error.data.message), text);
  });
}

Deno.test("fixtures: every fixture file is covered by a conformance case", async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(await fixtureDir())) {
    if (entry.name.endsWith(".json")) names.push(entry.name.replace(/\.json$/, ""));
  }
  const covered = new Set([...SUCCESS.map((s) => s[0]), ...FAILURES.map((f) => f[0])]);
  assertEquals(names.filter((n) => !covered.has(n)), []);
  assertEquals(names.length, 14);
});

const envelope = (sub: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  contract_version: "1.3.0",
  command: `orchestrator-api.${sub}`,
  timestamp: "2026-11-21T09:17:37.720076+00:00",
  correlation_id: "corr-c7a3b078a151427aad3c9cb574900d8f",
  success: true,
  error_code: null,
  data,
  ...extra,
});

for (const key of ["contract_version", "command", "timestamp", "correlation_id", "success", "error_code", "data"]) {
  Deno.test(`interpretEnvelope() envelope missing ${key} is a protocol error`, () => {
    const value: Record<string, unknown> = envelope("contract-version", {
      api_version: "1.3.0",
      min_supported_provider_version: "0.1.0",
    });
    delete value[key];
    const error = assertThrows(() => interpretEnvelope("contract-version", value, ROOT), HostTransportError);
    assertEquals(error.kind, "protocol");
    assertStringIncludes(error.message, "contract-version");
    assertStringIncludes(error.message, "stdout starts with");
  });
}

Deno.test('interpretEnvelope() contract-version: lane_allocation "serialized" (the built-in host\'s) and nothing else', () => {
  const info = (extra: Record<string, unknown>) =>
    interpretEnvelope(
      "contract-version",
      envelope("contract-version", { api_version: "1.3.0", min_supported_provider_version: "0.1.0", ...extra }),
      ROOT,
    );
  assertEquals(info({ lane_allocation: "serialized" }).serializesAllocation, true);
  assertEquals(info({}).serializesAllocation, undefined, "the real host sends no such field");
  assertEquals(info({ lane_allocation: "parallel" }).serializesAllocation, undefined);
  assertEquals(info({ lane_allocation: true }).serializesAllocation, undefined);
});

Deno.test("interpretEnvelope() extra keys in envelope and data are tolerated", () => {
  const value = envelope("append-history", {
    mission_slug: "m",
    wp_id: "WP01",
    history_entry_id: "hist-1",
    brand_new: { x: 1 },
  }, { trace: "t" });
  assertEquals(interpretEnvelope("append-history", value, ROOT).historyEntryId, "hist-1");
});

Deno.test("interpretEnvelope() success data missing a required field is a protocol error", () => {
  const value = envelope("start-implementation", { mission_slug: "m", wp_id: "WP01", from_lane: "planned" });
  const error = assertThrows(() => interpretEnvelope("start-implementation", value, ROOT), HostTransportError);
  assertEquals(error.kind, "protocol");
  assertEquals(error.ambiguous, true);
  assertStringIncludes(error.message, "workspace_path");
});

Deno.test("interpretEnvelope() wrong command name is a protocol error", () => {
  const value = envelope("list-ready", { mission_slug: "m", ready_work_packages: [] });
  const error = assertThrows(() => interpretEnvelope("mission-state", value, ROOT), HostTransportError);
  assertEquals(error.kind, "protocol");
  assertStringIncludes(error.message, "orchestrator-api.list-ready");
});

Deno.test("interpretEnvelope() unknown error code maps to UNKNOWN_ERROR keeping rawCode", () => {
  const value = envelope("transition", { message: "nope", detail: 3 }, {
    success: false,
    error_code: "SHINY_NEW_CODE",
  });
  const error = assertThrows(() => interpretEnvelope("transition", value, ROOT), HostError);
  assertEquals(error.code, "UNKNOWN_ERROR");
  assertEquals(error.rawCode, "SHINY_NEW_CODE");
  assertEquals(error.data.detail, 3);
});

Deno.test("interpretEnvelope() failure with null error_code is UNKNOWN_ERROR", () => {
  const value = envelope("transition", { message: "nope" }, { success: false });
  const error = assertThrows(() => interpretEnvelope("transition", value, ROOT), HostError);
  assertEquals(error.code, "UNKNOWN_ERROR");
  assertEquals(error.rawCode, null);
});

Deno.test("interpretEnvelope() unknown lane in mission-state is a protocol error; doing maps to in_progress", () => {
  const wp = (lane: string) => ({ wp_id: "WP01", lane, dependencies: [], last_actor: null });
  const ok = interpretEnvelope(
    "mission-state",
    envelope("mission-state", { mission_slug: "m", summary: {}, work_packages: [wp("DOING")] }),
    ROOT,
  );
  assertEquals(ok.workPackages[0]?.lane, "in_progress");
  const bad = envelope("mission-state", { mission_slug: "m", summary: {}, work_packages: [wp("limbo")] });
  const error = assertThrows(() => interpretEnvelope("mission-state", bad, ROOT), HostTransportError);
  assertStringIncludes(error.message, "limbo");
});

Deno.test("interpretEnvelope() relative workspace_path/prompt_path resolve against the repo root", () => {
  const value = envelope("resolve-workspace", {
    mission_slug: "m",
    wp_id: "WP01",
    workspace_path: ".worktrees/m-lane-a",
    prompt_path: "../outside/WP01.md",
    lane_id: null,
  });
  const ws = interpretEnvelope("resolve-workspace", value, "/srv/repo");
  assertEquals(ws.workspacePath, "/srv/repo/.worktrees/m-lane-a");
  // Traversal is only resolved here; the engine checks containment.
  assertEquals(ws.promptPath, "/srv/outside/WP01.md");
  assertEquals(ws.laneId, undefined);
});

Deno.test("extractEnvelopeJson() takes the last JSON line, a pretty-printed object, or nothing", () => {
  assertEquals(extractEnvelopeJson('{"a":1}\n{"b":2}\n'), { b: 2 });
  assertEquals(extractEnvelopeJson('noise\n{\n  "a": 1\n}\n'), { a: 1 });
  assertEquals(extractEnvelopeJson("[1,2]"), undefined);
  assertEquals(extractEnvelopeJson('{"success":tru'), undefined);
  assertEquals(extractEnvelopeJson(""), undefined);
});

// ---- Live transcripts of the real host (A1–A8, verbatim lines) ----

const A1 =
  '{"contract_version": "1.3.0", "command": "orchestrator-api.contract-version", "timestamp": "2026-11-21T09:17:41.923818+00:00", "correlation_id": "corr-71ff9abdc6c4403196ab93b2cad5af01", "success": false, "error_code": "CONTRACT_VERSION_MISMATCH", "data": {"provider_version": "0.0.9", "min_supported_provider_version": "0.1.0", "api_version": "1.3.0", "message": "Provider version \'0.0.9\' is below minimum \'0.1.0\'"}}';
const A2_STATE =
  '{"contract_version": "1.3.0", "command": "orchestrator-api.mission-state", "timestamp": "2026-11-21T09:17:44.002978+00:00", "correlation_id": "corr-b4e5c33340484e50be31ee2204c18065", "success": true, "error_code": null, "data": {"mission_slug": "001-demo", "mission_number": 1, "mission_type": "software-dev", "summary": {"planned": 3, "claimed": 0, "in_progress": 0, "for_review": 0, "in_review": 0, "approved": 0, "done": 0, "blocked": 0, "canceled": 0}, "work_packages": [{"wp_id": "WP01", "lane": "planned", "dependencies": [], "last_actor": null}, {"wp_id": "WP02", "lane": "planned", "dependencies": ["WP01"], "last_actor": null}, {"wp_id": "WP03", "lane": "planned", "dependencies": [], "last_actor": null}]}}';
const A3_USAGE =
  '{"contract_version": "1.3.0", "command": "orchestrator-api.unknown", "timestamp": "2026-11-21T09:17:52.445749+00:00", "correlation_id": "corr-cb74c0013bc44146ac507a73b7865f51", "success": false, "error_code": "USAGE_ERROR", "data": {"message": "Missing option \'--mission\'."}}';
const A3_DEPS =
  '{"contract_version": "1.3.0", "command": "orchestrator-api.start-implementation", "timestamp": "2026-11-21T09:18:09.276477+00:00", "correlation_id": "corr-28ccb5b415d04c659a5dbf6da21f3e8d", "success": false, "error_code": "DEPENDENCIES_NOT_SATISFIED", "data": {"mission_slug": "001-demo", "mission_number": 1, "mission_type": "software-dev", "wp_id": "WP02", "unsatisfied_dependencies": ["WP01"], "message": "dependencies_not_satisfied: WP02 depends on WP01; all dependencies must be approved or done before implementation can start"}}';
const A8_ACCEPT =
  '{"contract_version": "1.3.0", "command": "orchestrator-api.accept-mission", "timestamp": "2026-11-21T09:19:18.095532+00:00", "correlation_id": "corr-6cde1ffed8be4010acd195bcf5e817ef", "success": true, "error_code": null, "data": {"mission_slug": "001-demo", "mission_number": 1, "mission_type": "software-dev", "accepted": true, "mode": "auto", "accepted_at": "2026-11-21T09:19:18.094945+00:00", "accepted_wps": ["WP03", "WP01", "WP02"], "approved_wps": ["WP03"], "done_wps": ["WP01", "WP02"], "merge_pending_wps": ["WP03"]}}';
const A8_MERGE = [
  "Deleted branch kitty/mission-001-demo-lane-a (was d96428b).",
  "Deleted branch kitty/mission-001-demo-lane-c (was 6391482).",
  "Deleted branch kitty/mission-001-demo-lane-b (was 987d24d).",
  "Deleted branch kitty/mission-001-demo (was bc10f12).",
  '{"contract_version": "1.3.0", "command": "orchestrator-api.merge-mission", "timestamp": "2026-11-21T09:19:26.019251+00:00", "correlation_id": "corr-b7b425c5548e4d80bf2c5d6a533693c1", "success": true, "error_code": null, "data": {"mission_slug": "001-demo", "mission_number": 1, "mission_type": "software-dev", "merged": true, "target_branch": "feature/demo", "strategy": "merge", "worktree_removed": false}}',
  "",
].join("\n");

Deno.test("decodeStdout() transcript A1 provider-version refusal keeps structured data", () => {
  const error = assertThrows(() => decodeStdout("contract-version", A1, ROOT), HostError);
  assertEquals(error.code, "CONTRACT_VERSION_MISMATCH");
  assertEquals(error.data.min_supported_provider_version, "0.1.0");
});

Deno.test("decodeStdout() transcript A2 mission-state decodes identity and lanes", () => {
  const state = decodeStdout("mission-state", A2_STATE, ROOT);
  assertEquals(state.missionNumber, 1);
  assertEquals(state.missionType, "software-dev");
  assertEquals(state.workPackages.map((w) => w.lane), ["planned", "planned", "planned"]);
  assertEquals(state.summary.planned, 3);
});

Deno.test("decodeStdout() transcript A3 usage error from orchestrator-api.unknown is a HostError", () => {
  const error = assertThrows(() => decodeStdout("mission-state", A3_USAGE, ROOT), HostError);
  assertEquals(error.code, "USAGE_ERROR");
});

Deno.test("decodeStdout() transcript A3 dependency refusal keeps unsatisfied_dependencies", () => {
  const error = assertThrows(() => decodeStdout("start-implementation", A3_DEPS, ROOT), HostError);
  assertEquals(error.code, "DEPENDENCIES_NOT_SATISFIED");
  assertEquals(error.data.unsatisfied_dependencies, ["WP01"]);
});

Deno.test("decodeStdout() transcript A8 accept-mission lists accepted WPs", () => {
  const accepted = decodeStdout("accept-mission", A8_ACCEPT, ROOT);
  assertEquals(accepted.mergePendingWps, ["WP03"]);
  assertEquals(accepted.doneWps, ["WP01", "WP02"]);
});

Deno.test("decodeStdout() transcript A8 merge-mission: git lines then the envelope", () => {
  const merged = decodeStdout("merge-mission", A8_MERGE, ROOT);
  assert(merged.merged);
  assertEquals(merged.targetBranch, "feature/demo");
  assertEquals(merged.mergedWps, []);
  assertEquals(merged.missionNumber, 1);
});

Deno.test("decodeStdout() stdout without any JSON object is a protocol error quoting 200 bytes", () => {
  const error = assertThrows(() => decodeStdout("transition", "x".repeat(500), ROOT), HostTransportError);
  assertEquals(error.kind, "protocol");
  assertEquals(error.ambiguous, true);
  assertStringIncludes(error.message, `"${"x".repeat(200)}…"`);
});
