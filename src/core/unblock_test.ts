import { assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { HostError } from "../domain/host_errors.ts";
import type { Lane, TransitionInput, TransitionResult } from "../domain/host.ts";
import { newWpState } from "./lifecycle_rules.ts";
import { newRunState } from "./new_run_state.ts";
import type { RunState } from "../domain/run_state.ts";
import { TEST_POLICY } from "../../test/support/harness.ts";
import { blockedToRetry, takeUpBlocked } from "./unblock.ts";

function state(): RunState {
  const s = newRunState({
    runId: "20260101T000000Z-abcd",
    mission: "001-demo",
    actor: "orch",
    policy: TEST_POLICY,
    flags: { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null },
  });
  const blocked = (reason: string) => ({ kind: "blocked" as const, reason, at: "t" });
  s.wps.WP01 = {
    ...newWpState("WP01", "default"),
    outcome: blocked("review could not run"),
    stop_cause: {
      kind: "agent_config",
      role: "review",
      agent: "opencode",
      failure_class: "model_not_found",
      message: "Model not found",
    },
  };
  s.wps.WP02 = { ...newWpState("WP02", "default"), outcome: blocked("review rejected 3 times"), review_cycles: 3 };
  s.wps.WP03 = { ...newWpState("WP03", "default"), outcome: blocked("blocked on the host") };
  s.wps.WP04 = { ...newWpState("WP04", "default"), outcome: { kind: "done", reason: "approved", at: "t" } };
  return s;
}

const LANES = new Map<string, Lane | null>([
  ["WP01", "blocked"],
  ["WP02", "blocked"],
  ["WP03", "in_progress"],
  ["WP04", "done"],
  ["WP05", "blocked"],
]);

Deno.test("blockedToRetry() takes up config blocks always, other blocks only with --retry-blocked", () => {
  assertEquals(blockedToRetry(state(), LANES, false), [
    { wpId: "WP01", reason: "agent_config", transition: true },
    { wpId: "WP03", reason: "moved", transition: false },
  ]);
  assertEquals(blockedToRetry(state(), LANES, true), [
    { wpId: "WP01", reason: "agent_config", transition: true },
    { wpId: "WP02", reason: "requested", transition: true },
    { wpId: "WP03", reason: "moved", transition: false },
    { wpId: "WP05", reason: "requested", transition: true },
  ]);
  // A config block someone already resolved by hand (now done) is not touched.
  assertEquals(blockedToRetry(state(), new Map([["WP01", "done" as Lane]]), true), []);
});

class FakeHost {
  calls: TransitionInput[] = [];
  refuse = new Set<string>();
  transition(input: TransitionInput): Promise<TransitionResult> {
    this.calls.push(input);
    if (this.refuse.has(input.wp)) {
      return Promise.reject(new HostError("transition", "TRANSITION_REJECTED", { message: "no" }));
    }
    return Promise.resolve({
      missionSlug: input.mission,
      missionNumber: 1,
      missionType: "software-dev",
      wpId: input.wp,
      fromLane: "blocked",
      toLane: input.to,
      policyMetadataRecorded: true,
    });
  }
}

Deno.test("takeUpBlocked() moves blocked WPs to in_progress with policy and a note, and prepares their state", async () => {
  const s = state();
  const host = new FakeHost();
  host.refuse.add("WP02");
  const results = await takeUpBlocked(host, s, blockedToRetry(s, LANES, true));
  assertEquals(host.calls.map((c) => [c.wp, c.to, c.actor, c.policy === s.policy]), [
    ["WP01", "in_progress", "orch", true],
    ["WP02", "in_progress", "orch", true],
    ["WP05", "in_progress", "orch", true],
  ]);
  assertStringIncludes(host.calls[0]!.note ?? "", "opencode failed (model_not_found): Model not found");
  assertEquals(results.map((r) => [r.retry.wpId, r.ok]), [["WP01", true], ["WP02", false], ["WP03", true], [
    "WP05",
    true,
  ]]);
  assertStringIncludes(results[1]!.detail, "TRANSITION_REJECTED");
  assertEquals(s.wps.WP01!.outcome, null);
  assertEquals(s.wps.WP01!.stop_cause, null);
  assertEquals(s.wps.WP02!.outcome?.kind, "blocked", "a refused transition leaves the WP as it was");
  assertEquals(s.wps.WP03!.outcome, null, "moved by hand: driven again without a transition");
  assertEquals(s.wps.WP05!.phase, "pending", "a WP this run never saw gets a fresh state");
});

Deno.test("blockedToRetry() takes up a WP blocked when the rate-limit budget ran out, without --retry-blocked", () => {
  const s = state();
  s.wps.WP02 = {
    ...newWpState("WP02", "default"),
    outcome: { kind: "blocked", reason: "implementation failed: rate limited", at: "t" },
    implement_wait_ms: 1_800_000,
    stop_cause: {
      kind: "agent_transient",
      role: "implement",
      agent: "claude-code",
      failure_class: "rate_limit",
      message: "API Error: 429",
    },
  };
  assertEquals(blockedToRetry(s, LANES, false).map((r) => `${r.wpId}:${r.reason}`), [
    "WP01:agent_config",
    "WP02:agent_transient",
    "WP03:moved",
  ]);
});
