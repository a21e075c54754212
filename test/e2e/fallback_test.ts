/**
 * Implementer failures end to end, with the fallback chain claude-code → codex from
 * orchestration.yaml: a failing claude falls back to codex; with both failing the WP is blocked
 * in the host with the reason and the run exits 3.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  configYaml,
  laneEvents,
  MISSION,
  orchestrateArgs,
  readCalls,
  readHostEvents,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const CHAIN = configYaml(`pipelines:
  default:
    implement:
      agents: [claude-code, codex]
    review:
      agents: [opencode]
`);

Deno.test("orchestrate: a failing implementer falls back to the next agent of the chain, which finishes", async () => {
  await withE2e(spreadMission(1, 1), { config: CHAIN }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "fail");
    const out = await runCli(e, orchestrateArgs(MISSION));
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    assertEquals(
      (await readCalls(e.control)).map((c) => `${c.cli} ${c.role}`),
      ["claude impl", "codex impl", "opencode review"],
    );
    const attempts = (await readState(e)).wps.WP01!.attempts;
    assertEquals(attempts.map((a) => `${a.agent} ${a.result}`), ["claude-code auth", "codex ok", "opencode ok"]);
    assertStringIncludes(out.text, "falling back to codex");
  });
});

Deno.test("orchestrate: when every implementer fails the WP is blocked in the host with the reason, exit 3", async () => {
  await withE2e(spreadMission(1, 1), { config: CHAIN }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "fail");
    await setFakeMode(e.control, "codex", "impl", "fail");
    const out = await runCli(e, orchestrateArgs(MISSION));
    assertEquals(out.code, 3, out.text);
    await checkInvariants(e, { lanes: { WP01: "blocked" } });
    const wp = (await readState(e)).wps.WP01!;
    assertEquals(wp.outcome?.kind, "blocked");
    assertStringIncludes(wp.outcome?.reason ?? "", "implementation failed");
    const blocked = laneEvents(await readHostEvents(e)).at(-1)!;
    assertStringIncludes(JSON.stringify(blocked), "implementation failed");
    assertEquals((await readCalls(e.control)).filter((c) => c.role === "review"), []);
  });
});

Deno.test("orchestrate: a hanging implementer is stopped at its timeout, retried, then the chain falls back", async () => {
  const config = CHAIN.replace("timeout: 2m", "timeout: 3s");
  await withE2e(spreadMission(1, 1), { config }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "hang");
    const out = await runCli(e, orchestrateArgs(MISSION));
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done" } });
    const attempts = (await readState(e)).wps.WP01!.attempts;
    assertEquals(attempts.map((a) => `${a.agent} ${a.result}`), [
      "claude-code timeout",
      "claude-code timeout",
      "codex ok",
      "opencode ok",
    ]);
  });
});
