import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { HostFailure } from "./failure.ts";
import { validatePolicy } from "./policy.ts";

const BASE = {
  orchestrator_id: "demo-orch",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [] as unknown,
};

function fail(raw: string | undefined, required: string | null = "--policy is required for start-implementation") {
  const error = assertThrows(() => validatePolicy(raw, required), HostFailure);
  return { code: error.code, message: error.message };
}

const with_ = (extra: Record<string, unknown>) => JSON.stringify({ ...BASE, ...extra });

Deno.test("validatePolicy() records the eight known fields and drops unknown ones", () => {
  assertEquals(validatePolicy(with_({ api_token: "abc" }), "x"), {
    ...BASE,
    dangerous_flags: [],
    tool_restrictions: null,
  });
  assertEquals(validatePolicy(with_({ tool_restrictions: "read-only" }), "x")?.tool_restrictions, "read-only");
});

Deno.test("validatePolicy() requires the policy only when asked", () => {
  assertEquals(fail(undefined), {
    code: "POLICY_METADATA_REQUIRED",
    message: "--policy is required for start-implementation",
  });
  assertEquals(fail(" ").code, "POLICY_METADATA_REQUIRED");
  assertEquals(validatePolicy(undefined, null), null);
});

Deno.test("validatePolicy() rejects malformed JSON and non-objects", () => {
  assertEquals(fail("{").code, "POLICY_VALIDATION_FAILED");
  assertEquals(fail("[1]").message, "--policy must be a JSON object");
  assertEquals(fail("null").message, "--policy must be a JSON object");
});

Deno.test("validatePolicy() reports the first missing field like the host", () => {
  assertEquals(
    fail(JSON.stringify({ orchestrator_id: "demo-orch" })).message,
    "--policy missing required field: 'orchestrator_version'",
  );
  const { dangerous_flags: _, ...noFlags } = BASE;
  assertEquals(fail(JSON.stringify(noFlags)).message, "--policy missing required field: 'dangerous_flags'");
});

Deno.test("validatePolicy() checks types", () => {
  assertEquals(fail(with_({ network_mode: 1 })).message, "--policy field 'network_mode' must be a string");
  assertEquals(fail(with_({ dangerous_flags: "x" })).message, "--policy.dangerous_flags must be a list of strings");
  assertEquals(fail(with_({ dangerous_flags: [1] })).message, "--policy.dangerous_flags must be a list of strings");
  assertEquals(
    fail(with_({ tool_restrictions: 3 })).message,
    "--policy field 'tool_restrictions' must be a string or null",
  );
});

Deno.test("validatePolicy() rejects each banned flag with the host's message", () => {
  for (
    const flag of [
      "--full-auto",
      "--yolo",
      "--dangerously-bypass-approvals-and-sandbox",
      "--dangerously-skip-permissions",
    ]
  ) {
    assertEquals(
      fail(with_({ dangerous_flags: [flag] })).message,
      `--policy.dangerous_flags contains a banned flag: '${flag}'. Banned flags must never appear in orchestrator policy payloads.`,
    );
  }
});

Deno.test("validatePolicy() scans values (not keys) for secrets at any depth", () => {
  const secret = (key: string) =>
    `--policy field '${key}' appears to contain a secret (matched pattern: token|secret|key|password|credential). Do not pass secrets via --policy.`;
  assertEquals(fail(with_({ agent_family: "monkey" })).message, secret("agent_family"));
  assertEquals(fail(with_({ note: "uses my secret" })).message, secret("note"));
  assertEquals(fail(with_({ nested: { deep: ["a", "PASSWORD"] } })).message, secret("nested"));
  assertEquals(fail(with_({ dangerous_flags: ["--api-key"] })).message, secret("dangerous_flags"));
  assertEquals(validatePolicy(with_({ token: "fine" }), null)?.orchestrator_id, "demo-orch");
});
