/**
 * The pinned real Letta Code CLI, driven through our agent runner with the built-in `letta`
 * definition against the scripted Chat Completions server: Letta's local backend with an
 * OpenAI-compatible provider on loopback (`test/support/real_cli/letta.ts`), so no Letta
 * account is involved. Implement, review approve and reject (plain VERDICT text); the faults are
 * in `letta_faults_test.ts`. Our argv is the Cloud one too: `letta_flags_test.ts` proves it there.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { lettaSetup } from "../support/real_cli/letta.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { assertImplemented, type RealCase, runReal, WP } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("letta").version;
const run = (c: Omit<RealCase, "agentId" | "setup">) => runReal({ agentId: "letta", setup: lettaSetup, ...c });

Deno.test(`letta ${V} (real): implement writes the owned file with Write and runs every mark-status line with Bash`, async () => {
  const r = await run({ name: "impl", role: "implement" });
  assertImplemented(r);
  const turns = r.requests.filter((q) => q.role === "implement");
  assertEquals(turns.map((q) => q.answered.kind), ["write", "shell", "shell", "text"]);
  assert(turns.every((q) => q.tools.includes("Write") && q.tools.includes("Bash")), "Letta's own tools did the work");
  assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens from usage");
  // Letta 0.32.18 leaves its own file in the workspace; the commit gate leaves it out
  // (EXCLUDED_FROM_WORK in src/proc/worktree_git.ts).
  assertEquals(r.gitStatus.filter((l) => !l.endsWith(" src/wp01.txt")), ["?? .letta/settings.local.json"]);
});

Deno.test(`letta ${V} (real): review approve parses to our verdict; the reviewer is offered only Read, Glob, Grep`, async () => {
  const r = await run({ name: "review", role: "review" });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
  assertEquals(r.calls, []);
  const review = r.requests.filter((q) => q.role === "review");
  assert(review.length > 0);
  for (const q of review) assertEquals([...q.tools].sort(), ["Glob", "Grep", "Read"]);
});

Deno.test(`letta ${V} (real): review reject parses to changes_requested with the feedback`, async () => {
  const r = await run({ name: "review-reject", role: "review", knobs: { reject: [WP] } });
  assertEquals(r.result.failure, null, r.stdout + r.stderr);
  assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "changes_requested");
  assertStringIncludes(r.result.finalMessage, REJECT_FEEDBACK);
});
