/**
 * The pinned real GitHub Copilot CLI, driven through our agent runner with the built-in
 * `copilot` definition against the scripted Chat Completions server, in Copilot's BYOK mode
 * (`test/support/real_cli/copilot.ts`; no GitHub login): implement, review approve and reject
 * (plain VERDICT text) and a stalled stream. HTTP faults: `copilot_faults_test.ts`; the GitHub-login route with our argv:
 * `copilot_flags_test.ts`.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { copilotSetup } from "../support/real_cli/copilot.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import {
  assertImplemented,
  type RealCase,
  retriedByEngine,
  runReal,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("copilot").version;
const run = (c: Omit<RealCase, "agentId" | "setup">) => runReal({ agentId: "copilot", setup: copilotSetup, ...c });

Deno.test(`copilot ${V} (real): implement writes the owned file with create and runs every mark-status line with bash`, async () => {
  const r = await run({ name: "impl", role: "implement" });
  assertImplemented(r);
  const turns = r.requests.filter((q) => q.role === "implement");
  assertEquals(turns.map((q) => q.answered.kind), ["write", "shell", "shell", "text"]);
  assertEquals(r.gitStatus, ["?? src/wp01.txt"], "nothing else left in the workspace");
});

Deno.test(`copilot ${V} (real): review approve parses to our verdict (plain VERDICT text)`, async () => {
  const r = await run({ name: "review", role: "review" });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
  assertEquals(r.calls, []);
});

Deno.test(`copilot ${V} (real): review reject parses to changes_requested with the feedback`, async () => {
  const r = await run({ name: "review-reject", role: "review", knobs: { reject: [WP] } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "changes_requested");
  assertStringIncludes(r.result.finalMessage, REJECT_FEEDBACK);
});

Deno.test(`copilot ${V} (real): a stalled stream is killed at our stall_timeout`, async () => {
  const r = await run({
    name: "stall",
    role: "implement",
    faults: [{ fault: { kind: "stall" }, role: "implement" }],
    stallTimeoutMs: 4_000,
  });
  assertEquals(r.result.failure?.class, "stall", r.stdout + r.stderr);
  assert(retriedByEngine("stall"));
  assert(r.wallMs < 30_000, `stopped by our stall timer (${r.wallMs} ms)`);
  assertEquals(r.owned, null);
});
