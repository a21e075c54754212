/**
 * The pairing scenario against a real spec-kitty host, when `SPEC_KITTY_BIN` names one. The
 * mission is finalized by spec-kitty itself (`agent mission finalize-tasks`).
 */
import { assertEquals } from "../support/assert.ts";
import {
  checkInvariants,
  configYaml,
  MISSION,
  orchestrateArgs,
  runCli,
  spreadMission,
  withE2e,
} from "../support/e2e/harness.ts";

const SPEC_KITTY = Deno.env.get("SPEC_KITTY_BIN") ?? "";

Deno.test({
  name: SPEC_KITTY === ""
    ? "orchestrate --host spec-kitty claude-code/codex ends done (skipped: set SPEC_KITTY_BIN to a spec-kitty executable)"
    : "orchestrate --host spec-kitty claude-code/codex ends done",
  ignore: SPEC_KITTY === "",
  fn: async () => {
    const config = configYaml().replace(
      "host:\n  kind: builtin\n",
      `host:\n  kind: spec-kitty\n  command: [${JSON.stringify(SPEC_KITTY)}]\n`,
    );
    await withE2e(spreadMission(1, 1), { config, specKitty: SPEC_KITTY }, async (e) => {
      const out = await runCli(
        e,
        orchestrateArgs(
          MISSION,
          "--impl-agent",
          "claude-code",
          "--review-agent",
          "codex",
          "--max-concurrent",
          "1",
          "--host",
          "spec-kitty",
        ),
        { timeoutMs: 180_000 },
      );
      assertEquals(out.code, 0, out.text);
      await checkInvariants(e, { lanes: { WP01: "done" } });
    });
  },
});
