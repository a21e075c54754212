/**
 * The rate-limit breaker end to end with the fake CLIs: four WPs at once on one limited
 * provider (claude answers each WP's first call with its 429). After the first 429 the claude
 * family cools down; then one WP at a time tests the provider until a call goes through, and
 * only then do the others go: the waits are not four WPs retrying together.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { readSpans, setFakeMode } from "../support/e2e/fake_cli.ts";
import {
  checkInvariants,
  configYaml,
  MISSION,
  orchestrateArgs,
  readState,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

Deno.test("orchestrate: four WPs on a rate-limited claude retry one at a time after the cooldown, not all four", async () => {
  await withE2e(spreadMission(4, 4), { config: configYaml() }, async (e) => {
    await setFakeMode(e.control, "claude", "impl", "rate_limit_first:1");
    const out = await runCli(
      e,
      orchestrateArgs(MISSION, "--impl-agent", "claude-code", "--review-agent", "codex", "--max-concurrent", "4"),
      { timeoutMs: 120_000 },
    );
    assertEquals(out.code, 0, out.text);
    await checkInvariants(e, { lanes: { WP01: "done", WP02: "done", WP03: "done", WP04: "done" } });
    const spans = (await readSpans(e.control)).filter((s) => s.cli === "claude" && s.role === "impl")
      .sort((a, b) => a.start - b.start);
    assertEquals(spans.length, 8, JSON.stringify(spans));
    const firstLimited = Math.min(...spans.filter((s) => s.n === 1).map((s) => s.end ?? Infinity));
    const firstOk = spans.find((s) => s.n === 2)!;
    // Every call after the first 429 and up to the first that went through ran alone.
    const probes = spans.filter((s) => s.start > firstLimited && s.start <= firstOk.start);
    assert(probes.length >= 1, JSON.stringify(spans));
    for (let i = 1; i < probes.length; i++) {
      assert(probes[i]!.start >= (probes[i - 1]!.end ?? Infinity), `probes overlap: ${JSON.stringify(probes)}`);
    }
    for (const other of spans.filter((s) => s.n === 2 && s !== firstOk)) {
      assert(other.start >= (firstOk.end ?? Infinity), `a WP went before the probe ended: ${JSON.stringify(spans)}`);
    }
    const state = await readState(e);
    const events = (await Deno.readTextFile(join(e.repo, ".kittify", "runs", String(state.run_id), "events.ndjson")))
      .split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as { type: string; family?: string });
    assert(events.some((ev) => ev.type === "cooldown_started" && ev.family === "claude"));
    assert(events.some((ev) => ev.type === "cooldown_ended" && ev.family === "claude"));
  });
});
