/**
 * Rate limits end to end (issue 12 §3): Claude Code answering 429 three times (its JSON result with
 * `api_error_status: 429`) must not block the WP with `max_attempts: 2`: the orchestrator waits each
 * one out, the fourth attempt works, the WP ends done and the summary shows the time waited. With a
 * wait budget too small for a single wait, the next agent of the chain runs at once.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  configYaml,
  MISSION,
  orchestrateArgs,
  readCalls,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("orchestrate: three 429s from claude with max_attempts 2 are waited out and the WP ends done", async () => {
  await withE2e(spreadMission(1, 1), {}, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "rate_limit_first:3");
    const out = await runCli(
      e,
      orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex"),
      { timeoutMs: 90_000 },
    );
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const wp = (await readState(e)).wps.WP01! as unknown as {
      attempts: { role: string; result: string }[];
      implement_wait_ms: number;
    };
    assertEquals(wp.attempts.map((a) => `${a.role}:${a.result}`), [
      "implement:rate_limit",
      "implement:rate_limit",
      "implement:rate_limit",
      "implement:ok",
      "review:ok",
    ]);
    // The e2e config backs off 1 s (no jitter) and the fake gives no retry-after: 1 s per wait.
    assert(wp.implement_wait_ms > 2900 && wp.implement_wait_ms <= 3000, String(wp.implement_wait_ms));
    assertStringIncludes(out.stdout, "Waited out rate limits: 3s (WP01 3s)");
  });
});

Deno.test("orchestrate: a rate limit past retry.rate_limit_budget moves to the next agent of the chain", async () => {
  const config = configYaml(`pipelines:
  default:
    implement:
      agents: [claude-code, codex]
      retry: { rate_limit_budget: 0s }
    review:
      agents: [codex]
`);
  await withE2e(spreadMission(1, 1), { config }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "rate_limit_first:9");
    const out = await runCli(e, orchestrateArgs(MISSION), { timeoutMs: 90_000 });
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals((await readCalls(e.control)).map((c) => `${c.cli} ${c.role}`), [
      "claude impl",
      "codex impl",
      "codex review",
    ]);
  });
});

Deno.test("orchestrate: a WP blocked when the rate-limit budget ran out is retried by re-running the guide's command", async () => {
  const config = configYaml(`pipelines:
  default:
    implement:
      agents: [claude-code]
      retry: { rate_limit_budget: 0s }
    review:
      agents: [codex]
`);
  await withE2e(spreadMission(1, 1), { config }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "rate_limit_first:1");
    const first = await runCli(e, orchestrateArgs(MISSION), { timeoutMs: 90_000 });
    assertEquals(first.code, 3, first.text);
    const blocked = (await readState(e)).wps.WP01! as unknown as { stop_cause: { kind: string } | null };
    assertEquals(blocked.stop_cause?.kind, "agent_transient");
    assertStringIncludes(first.stdout, "re-running later retries it with a fresh budget");
    // The provider is fine again: the same command (no --retry-blocked) takes the WP up and finishes it.
    const second = await runCli(e, orchestrateArgs(MISSION), { timeoutMs: 90_000 });
    assertEquals(second.code, 0, second.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals((await readCalls(e.control)).map((c) => `${c.cli} ${c.role}`), [
      "claude impl",
      "claude impl",
      "codex review",
    ]);
  });
});
