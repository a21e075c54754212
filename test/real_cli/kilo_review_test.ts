/**
 * The pinned real Kilo CLI's review role through our agent runner (the `kilocode` definition's
 * `--agent plan` argv) against the scripted Chat Completions server: approve and reject parse
 * to our verdict from plain VERDICT text. Setup as in `kilo_test.ts`.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { kiloSetup } from "../support/real_cli/kilo.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { type RealCase, runReal, WP } from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("kilocode").version;
// Kilo spends seconds of its own per step (3-5 s on a loaded 2-core machine): a wider limit
// than the harness default, so a slow machine is not a failure.
const run = (c: Omit<RealCase, "agentId" | "setup">) =>
  runReal({ agentId: "kilocode", setup: kiloSetup, timeoutMs: 180_000, ...c });

Deno.test(`kilocode ${V} (real): review approve and reject parse to our verdict (plain VERDICT text)`, async () => {
  const ok = await run({ name: "review", role: "review" });
  assertEquals(ok.result.failure, null, ok.stdout + ok.stderr);
  assertEquals(parseVerdict(ok.result.finalMessage)?.verdict, "approved");
  assertEquals(ok.calls, [], "a reviewer runs no status commands");
  const no = await run({ name: "review-reject", role: "review", knobs: { reject: [WP] } });
  assertEquals(no.result.failure, null, no.stdout + no.stderr);
  assertEquals(parseVerdict(no.result.finalMessage)?.verdict, "changes_requested");
  assertStringIncludes(no.result.finalMessage, REJECT_FEEDBACK);
});
