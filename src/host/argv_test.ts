import { assertEquals } from "../../test/support/assert.ts";
import { canonicalJson, hostArgv, policyJson } from "./argv.ts";
import type { PolicyMetadata } from "../domain/host.ts";

const POLICY: PolicyMetadata = {
  // Deliberately out of contract order: policyJson must reorder.
  dangerous_flags: ["claude:skip-permissions"],
  agent_family: "claude",
  orchestrator_id: "spec-kitty-orchestrator",
  orchestrator_version: "0.1.0",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "open",
  tool_restrictions: null,
};
const POLICY_JSON = '{"orchestrator_id":"spec-kitty-orchestrator","orchestrator_version":"0.1.0",' +
  '"agent_family":"claude","approval_mode":"full_auto","sandbox_mode":"workspace_write","network_mode":"open",' +
  '"dangerous_flags":["claude:skip-permissions"],"tool_restrictions":null}';

Deno.test("policyJson() compact, contract field order, known fields only", () => {
  assertEquals(policyJson({ ...POLICY, extra: "x" } as PolicyMetadata), POLICY_JSON);
});

Deno.test("canonicalJson() sorts keys at every depth and drops undefined", () => {
  assertEquals(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[{"y":2,"z":1}]},"b":1}');
});

Deno.test("hostArgv() contract-version with and without --provider-version", () => {
  assertEquals(hostArgv({ sub: "contract-version" }), ["orchestrator-api", "contract-version"]);
  assertEquals(hostArgv({ sub: "contract-version", providerVersion: "0.1.0" }), [
    "orchestrator-api",
    "contract-version",
    "--provider-version",
    "0.1.0",
  ]);
});

Deno.test("hostArgv() read-only mission commands", () => {
  assertEquals(hostArgv({ sub: "mission-state", mission: "001-demo" }), [
    "orchestrator-api",
    "mission-state",
    "--mission",
    "001-demo",
  ]);
  assertEquals(hostArgv({ sub: "list-ready", mission: "001-demo" }), [
    "orchestrator-api",
    "list-ready",
    "--mission",
    "001-demo",
  ]);
  assertEquals(hostArgv({ sub: "resolve-workspace", mission: "001-demo", wp: "WP02" }), [
    "orchestrator-api",
    "resolve-workspace",
    "--mission",
    "001-demo",
    "--wp",
    "WP02",
  ]);
});

Deno.test("hostArgv() start-implementation carries the policy; no --json anywhere", () => {
  const argv = hostArgv({ sub: "start-implementation", mission: "m", wp: "WP01", actor: "a", policy: POLICY });
  assertEquals(argv, [
    "orchestrator-api",
    "start-implementation",
    "--mission",
    "m",
    "--wp",
    "WP01",
    "--actor",
    "a",
    "--policy",
    POLICY_JSON,
  ]);
  assertEquals(argv.includes("--json"), false);
});

Deno.test("hostArgv() start-review with and without --review-ref", () => {
  const base = ["orchestrator-api", "start-review", "--mission", "m", "--wp", "WP01", "--actor", "a"];
  assertEquals(hostArgv({ sub: "start-review", mission: "m", wp: "WP01", actor: "a", policy: POLICY }), [
    ...base,
    "--policy",
    POLICY_JSON,
  ]);
  assertEquals(
    hostArgv({ sub: "start-review", mission: "m", wp: "WP01", actor: "a", policy: POLICY, reviewRef: "review/1" }),
    [...base, "--policy", POLICY_JSON, "--review-ref", "review/1"],
  );
});

Deno.test("hostArgv() transition minimal: required flags only, empty note omitted", () => {
  assertEquals(hostArgv({ sub: "transition", mission: "m", wp: "WP01", to: "blocked", actor: "a", note: "" }), [
    "orchestrator-api",
    "transition",
    "--mission",
    "m",
    "--wp",
    "WP01",
    "--to",
    "blocked",
    "--actor",
    "a",
  ]);
});

Deno.test("hostArgv() transition with every flag, in contract order, JSON compact with sorted keys", () => {
  const argv = hostArgv({
    sub: "transition",
    mission: "m",
    wp: "WP01",
    to: "done",
    actor: "a",
    note: "Approved by r",
    policy: POLICY,
    force: true,
    reviewRef: "review/WP01/1",
    reviewResult: { verdict: "approved", reviewer: "r", reference: "review/WP01/1" },
    evidence: { review: { verdict: "approved", reviewer: "r", reference: "review/WP01/1" } },
    subtasksComplete: true,
    implementationEvidencePresent: true,
  });
  assertEquals(argv, [
    "orchestrator-api",
    "transition",
    "--mission",
    "m",
    "--wp",
    "WP01",
    "--to",
    "done",
    "--actor",
    "a",
    "--note",
    "Approved by r",
    "--policy",
    POLICY_JSON,
    "--force",
    "--review-ref",
    "review/WP01/1",
    "--review-result-json",
    '{"reference":"review/WP01/1","reviewer":"r","verdict":"approved"}',
    "--evidence-json",
    '{"review":{"reference":"review/WP01/1","reviewer":"r","verdict":"approved"}}',
    "--subtasks-complete",
    "--implementation-evidence-present",
  ]);
});

Deno.test("hostArgv() transition negative booleans and force false", () => {
  const argv = hostArgv({
    sub: "transition",
    mission: "m",
    wp: "WP01",
    to: "for_review",
    actor: "a",
    force: false,
    subtasksComplete: false,
    implementationEvidencePresent: false,
  });
  assertEquals(argv.slice(10), ["--no-subtasks-complete", "--no-implementation-evidence-present"]);
});

Deno.test("hostArgv() append-history and accept-mission", () => {
  assertEquals(hostArgv({ sub: "append-history", mission: "m", wp: "WP01", actor: "a", note: "hi there" }), [
    "orchestrator-api",
    "append-history",
    "--mission",
    "m",
    "--wp",
    "WP01",
    "--actor",
    "a",
    "--note",
    "hi there",
  ]);
  assertEquals(hostArgv({ sub: "accept-mission", mission: "m", actor: "a" }), [
    "orchestrator-api",
    "accept-mission",
    "--mission",
    "m",
    "--actor",
    "a",
  ]);
});

Deno.test("hostArgv() merge-mission defaults left to the host; target, strategy, push when set", () => {
  assertEquals(hostArgv({ sub: "merge-mission", mission: "m" }), [
    "orchestrator-api",
    "merge-mission",
    "--mission",
    "m",
  ]);
  assertEquals(hostArgv({ sub: "merge-mission", mission: "m", target: "main", strategy: "squash", push: true }), [
    "orchestrator-api",
    "merge-mission",
    "--mission",
    "m",
    "--target",
    "main",
    "--strategy",
    "squash",
    "--push",
  ]);
});

Deno.test("hostArgv() values with spaces and shell metacharacters stay single argv elements", () => {
  const note = `"; rm -rf ~ # $(whoami) --force`;
  const argv = hostArgv({ sub: "append-history", mission: "m", wp: "WP01", actor: "a", note });
  assertEquals(argv.at(-1), note);
  assertEquals(argv.length, 10);
});
