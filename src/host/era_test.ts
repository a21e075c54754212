import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import {
  eraArgv,
  eraFromContract,
  eraFromProbe,
  ERAS,
  normalizeData,
  planTransition,
  reviewsInForReview,
  startsReviewOnHost,
  wireCommand,
} from "./era.ts";
import type { PolicyMetadata, TransitionInput } from "../domain/host.ts";

const POLICY: PolicyMetadata = {
  orchestrator_id: "o",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
  tool_restrictions: null,
};

const RESULT = { reviewer: "codex", verdict: "approved" as const, reference: "r1" };
const DONE: TransitionInput = {
  mission: "m",
  wp: "WP01",
  to: "done",
  actor: "orch",
  policy: POLICY,
  note: "Review approved by 'codex'",
  reviewRef: "r1",
  reviewResult: RESULT,
  evidence: { review: RESULT },
};
const REJECT: TransitionInput = {
  ...DONE,
  to: "in_progress",
  note: "Changes requested",
  reviewResult: { ...RESULT, verdict: "changes_requested" },
  evidence: undefined,
};

const moves = (steps: ReturnType<typeof planTransition>) => steps.map((s) => `${s.from}>${s.input.to}`);

Deno.test("eraFromContract(): minors name the era, 1.0.x needs the probe, other majors none", () => {
  assertEquals(eraFromContract("1.3.0"), "1.3");
  assertEquals(eraFromContract("1.4.0rc1"), "1.3");
  assertEquals(eraFromContract("1.2.0"), "1.2-mission");
  assertEquals(eraFromContract("1.1.0"), "1.1-mission");
  assertEquals(eraFromContract("1.0.0"), "probe");
  assertEquals(eraFromContract("2.0.0"), null);
  assertEquals(eraFromContract("garbage"), null);
});

Deno.test("eraFromProbe(): only USAGE_ERROR (the mission spelling is unknown) is the feature era", () => {
  assertEquals(eraFromProbe("USAGE_ERROR"), "1.0-feature");
  assertEquals(eraFromProbe("MISSION_NOT_FOUND"), "1.0-mission");
  assertEquals(eraFromProbe(null), "1.0-mission");
});

Deno.test("eraArgv(): 1.3 is the contract argv unchanged", () => {
  const argv = eraArgv(ERAS["1.3"], { sub: "transition", ...DONE });
  assertEquals(argv?.slice(0, 4), ["orchestrator-api", "transition", "--mission", "m"]);
  assertEquals(argv?.includes("--review-result-json"), true);
  assertEquals(argv?.includes("--evidence-json"), true);
});

Deno.test("eraArgv(): the feature era renames commands and --mission, and drops flags it does not have", () => {
  const era = ERAS["1.0-feature"];
  assertEquals(eraArgv(era, { sub: "mission-state", mission: "034-x" }), [
    "orchestrator-api",
    "feature-state",
    "--feature",
    "034-x",
  ]);
  assertEquals(eraArgv(era, { sub: "accept-mission", mission: "m", actor: "a" })?.[1], "accept-feature");
  assertEquals(eraArgv(era, { sub: "merge-mission", mission: "m" })?.[1], "merge-feature");
  assertEquals(eraArgv(era, { sub: "resolve-workspace", mission: "m", wp: "WP01" }), null);
  const argv = eraArgv(era, {
    sub: "transition",
    ...DONE,
    to: "for_review",
    subtasksComplete: true,
    implementationEvidencePresent: false,
  }) ?? [];
  for (
    const gone of [
      "--review-result-json",
      "--evidence-json",
      "--subtasks-complete",
      "--no-implementation-evidence-present",
    ]
  ) {
    assertEquals(argv.includes(gone), false, gone);
  }
  assertEquals(argv.includes("--review-ref"), true);
});

Deno.test("eraArgv(): the mission era before 1.3 drops only --review-result-json", () => {
  const argv = eraArgv(ERAS["1.2-mission"], { sub: "transition", ...DONE, subtasksComplete: true }) ?? [];
  assertEquals(argv.includes("--review-result-json"), false);
  assertEquals(argv.includes("--evidence-json"), true);
  assertEquals(argv.includes("--subtasks-complete"), true);
  assertEquals(wireCommand(ERAS["1.1-mission"], "resolve-workspace"), null);
  assertEquals(wireCommand(ERAS["1.2-mission"], "resolve-workspace"), "resolve-workspace");
});

Deno.test("normalizeData(): feature_slug becomes the mission identity; other eras are untouched", () => {
  assertEquals(normalizeData(ERAS["1.0-feature"], { feature_slug: "034-x", wp_id: "WP01" }), {
    mission_slug: "034-x",
    mission_number: null,
    mission_type: "",
    wp_id: "WP01",
  });
  const data = { mission_slug: "m", mission_number: 1 };
  assertEquals(normalizeData(ERAS["1.2-mission"], data), data);
});

Deno.test("planTransition(): contract 1.3 sends the input as it is, never forced", () => {
  const steps = planTransition(ERAS["1.3"], "in_review", DONE);
  assertEquals(steps.length, 1);
  assertEquals(steps[0]?.input, DONE);
  assertEquals(steps[0]?.forced, null);
});

Deno.test("planTransition(): mission-era approval from for_review avoids --force through blocked", () => {
  const steps = planTransition(ERAS["1.2-mission"], "for_review", DONE);
  assertEquals(moves(steps), ["for_review>blocked", "blocked>in_progress", "in_progress>approved", "approved>done"]);
  assertEquals(steps.map((s) => s.forced), [null, null, null, null]);
  assertEquals(steps.some((s) => s.input.force === true || s.input.reviewResult !== undefined), false);
  assertEquals(steps[2]?.input.evidence, { review: RESULT });
  assertEquals(steps[3]?.input.evidence, { review: RESULT });
  assertStringIncludes(steps[0]?.input.note ?? "", "Review approved by 'codex'");
  assertStringIncludes(steps[0]?.input.note ?? "", "no unforced edge from for_review to approved");
});

Deno.test("planTransition(): mission-era rejection from for_review goes through blocked, unforced", () => {
  const steps = planTransition(ERAS["1.0-mission"], "for_review", REJECT);
  assertEquals(moves(steps), ["for_review>blocked", "blocked>in_progress"]);
  assertEquals(steps.map((s) => s.forced), [null, null]);
});

Deno.test("planTransition(): leaving in_review before 1.3 is one forced step whose note says why", () => {
  for (const input of [DONE, REJECT, { ...REJECT, to: "blocked" as const }]) {
    const steps = planTransition(ERAS["1.1-mission"], "in_review", input);
    assertEquals(moves(steps), [`in_review>${input.to}`]);
    assertEquals(steps[0]?.input.force, true);
    assertStringIncludes(steps[0]?.forced ?? "", "no transition leaves in_review unforced");
    assertStringIncludes(steps[0]?.input.note ?? "", "[forced: contract 1.1.0 has no --review-result-json");
    assertEquals(steps[0]?.input.reviewResult, undefined);
  }
});

Deno.test("planTransition(): the feature era forces only the approval; a rejection uses --review-ref", () => {
  const era = ERAS["1.0-feature"];
  const done = planTransition(era, "for_review", DONE);
  assertEquals(moves(done), ["for_review>done"]);
  assertEquals(done[0]?.input.force, true);
  assertEquals(done[0]?.input.evidence, undefined);
  assertStringIncludes(done[0]?.input.note ?? "", "Review approved by 'codex' [forced: contract 1.0.0 (feature era)");
  const back = planTransition(era, "for_review", REJECT);
  assertEquals(moves(back), ["for_review>in_progress"]);
  assertEquals([back[0]?.forced, back[0]?.input.force, back[0]?.input.reviewRef], [null, undefined, "r1"]);
});

Deno.test("planTransition(): moves with an unforced edge stay single and unforced on every era", () => {
  for (const era of Object.values(ERAS)) {
    const steps = planTransition(era, "in_progress", { ...DONE, to: "for_review" });
    assertEquals(moves(steps), ["in_progress>for_review"], era.id);
    assertEquals(steps[0]?.forced, null);
  }
  assertEquals(moves(planTransition(ERAS["1.2-mission"], "in_progress", DONE)), [
    "in_progress>approved",
    "approved>done",
  ]);
});

Deno.test("startsReviewOnHost(): only contract 1.3 claims the review with start-review", () => {
  assertEquals(Object.values(ERAS).filter(startsReviewOnHost).map((e) => e.id), ["1.3"]);
  assertEquals(reviewsInForReview("1.2-mission"), true);
  assertEquals(reviewsInForReview("1.0-feature"), true);
  assertEquals(reviewsInForReview("1.3"), false);
  assertEquals(reviewsInForReview(null), false, "a state from before eras is contract 1.3");
  assertEquals(reviewsInForReview("9.9"), false);
});
