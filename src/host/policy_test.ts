import { assertEquals, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { ConfigError } from "../domain/errors.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";
import { agentFamilies, BANNED_DANGEROUS_FLAGS, buildPolicy, validatePolicy } from "./policy.ts";
import type { PolicyMetadata } from "../domain/host.ts";

function config(policy: Partial<ResolvedConfig["policy"]> = {}): ResolvedConfig {
  return {
    source: null,
    host: { kind: "spec-kitty", command: ["spec-kitty"], timeoutMs: 60_000, heartbeatMs: 60_000 },
    actor: "sko",
    maxConcurrent: 1,
    defaultPipeline: "default",
    pipelines: {},
    selectors: [],
    agents: {},
    policy: {
      approvalMode: "full_auto",
      sandboxMode: "workspace_write",
      networkMode: "open",
      toolRestrictions: null,
      ...policy,
    },
    accept: false,
    notify: [],
    logMaxBytes: 1_000_000,
    runsRetention: 10,
    historyNotes: true,
  };
}

const FAMILY: Record<string, string> = { "claude-code": "claude", codex: "codex", gemini: "gemini" };
const familyOf = (id: string): string => FAMILY[id] ?? "custom";

const VALID: PolicyMetadata = {
  orchestrator_id: PRODUCT,
  orchestrator_version: VERSION,
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
  tool_restrictions: null,
};

Deno.test("buildPolicy() declares the families actually used and the agents' risky flags honestly", () => {
  const policy = buildPolicy(config(), ["codex", "claude-code", "codex"], familyOf, [
    "codex:bypass-sandbox",
    "claude:skip-permissions",
    "codex:bypass-sandbox",
  ]);
  assertEquals(policy, {
    orchestrator_id: PRODUCT,
    orchestrator_version: VERSION,
    agent_family: "claude+codex",
    approval_mode: "full_auto",
    sandbox_mode: "workspace_write",
    network_mode: "open",
    dangerous_flags: ["claude:skip-permissions", "codex:bypass-sandbox"],
    tool_restrictions: null,
  });
});

Deno.test("agentFamilies() no agents is 'none'", () => {
  assertEquals(agentFamilies([], familyOf), "none");
});

Deno.test("buildPolicy() a family containing 'key' (monkey) is a ConfigError telling to rename it", () => {
  const error = assertThrows(() => buildPolicy(config(), ["mine"], () => "monkey"), ConfigError);
  assertStringIncludes(error.message, "'agent_family'");
  assertStringIncludes(error.message, '"monkey"');
  assertStringIncludes(error.fix ?? "", "Rename");
  assertEquals(error.path, "policy.agent_family");
});

Deno.test("buildPolicy() tool_restrictions 'no api key access' is refused before any claim", () => {
  const error = assertThrows(
    () => buildPolicy(config({ toolRestrictions: "no api key access" }), [], familyOf),
    ConfigError,
  );
  assertStringIncludes(error.message, "tool_restrictions");
});

Deno.test("validatePolicy() accepts the transcript's policy and fills tool_restrictions", () => {
  const { tool_restrictions: _, ...rest } = VALID;
  assertEquals(validatePolicy(rest), VALID);
});

Deno.test("validatePolicy() rejects non-objects", () => {
  for (const bad of [null, [], "x", 3]) assertThrows(() => validatePolicy(bad), ConfigError, "JSON object");
});

Deno.test("validatePolicy() requires the seven keys", () => {
  for (const key of Object.keys(VALID).filter((k) => k !== "tool_restrictions")) {
    const p: Record<string, unknown> = { ...VALID };
    delete p[key];
    assertThrows(() => validatePolicy(p), ConfigError, `'${key}' is required`);
  }
});

Deno.test("validatePolicy() the six scalar fields must be strings", () => {
  assertThrows(() => validatePolicy({ ...VALID, network_mode: 1 }), ConfigError, "'network_mode' must be a string");
});

Deno.test("validatePolicy() dangerous_flags must be an array of strings", () => {
  assertThrows(() => validatePolicy({ ...VALID, dangerous_flags: "x" }), ConfigError, "array of strings");
  assertThrows(() => validatePolicy({ ...VALID, dangerous_flags: [1] }), ConfigError, "array of strings");
});

Deno.test("validatePolicy() every host-banned flag is refused by its exact spelling", () => {
  for (const flag of BANNED_DANGEROUS_FLAGS) {
    const error = assertThrows(() => validatePolicy({ ...VALID, dangerous_flags: [flag] }), ConfigError);
    assertStringIncludes(error.message, flag);
  }
  assertEquals(validatePolicy({ ...VALID, dangerous_flags: ["gemini:yolo"] }).dangerous_flags, ["gemini:yolo"]);
});

Deno.test("validatePolicy() tool_restrictions must be string or null", () => {
  assertThrows(() => validatePolicy({ ...VALID, tool_restrictions: 5 }), ConfigError, "string or null");
  assertEquals(validatePolicy({ ...VALID, tool_restrictions: "read-only" }).tool_restrictions, "read-only");
});

Deno.test("validatePolicy() secret scan covers every value at any depth, case-insensitively, not keys", () => {
  assertThrows(() => validatePolicy({ ...VALID, note: "uses my secret" }), ConfigError, "'note'");
  assertThrows(() => validatePolicy({ ...VALID, dangerous_flags: ["x:PASSWORD"] }), ConfigError, "dangerous_flags[0]");
  assertThrows(
    () => validatePolicy({ ...VALID, extra: { deep: ["ok", "Credentials"] } }),
    ConfigError,
    "extra.deep[1]",
  );
  assertThrows(() => validatePolicy({ ...VALID, approval_mode: "TOKEN-less" }), ConfigError, "approval_mode");
  // Keys are not scanned; unknown keys are dropped from the result.
  assertEquals(validatePolicy({ ...VALID, api_token: "abc" }), VALID);
});
