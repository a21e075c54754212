/**
 * The pinned real Qwen Code CLI, driven through our agent runner with the built-in `qwen`
 * definition (positional prompt, `--json-schema` for reviewers) against the scripted Chat
 * Completions server: implement, structured review verdicts and each fault's failure class.
 *
 * Qwen retries a failing request on three layers: its own `retryWithBackoff` (7 attempts on
 * 429/5xx, waiting the server's `retry-after`, no knob), the OpenAI SDK's and a stream-level
 * rate-limit retry (both `model.generationConfig.maxRetries`, default 10 with 60 s delays).
 * `qwenSetup` sets that knob to 0 and the faults send `retry-after: 1`, so a failing turn is 7
 * requests about 1 s apart instead of minutes.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { qwenSetup } from "../support/real_cli/qwen.ts";
import {
  EXPECTED_CALLS,
  OWNED_FILE,
  realCliSuite,
  type RealRun,
  retriedByEngine,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("qwen").version;
const count = (r: RealRun, role: string) => r.requests.filter((q) => q.role === role).length;

realCliSuite(`qwen ${V} (real)`, { agentId: "qwen", setup: qwenSetup }, [
  {
    title: "implement writes the owned file with write_file and runs every mark-status line",
    run: { name: "impl", role: "implement" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assertEquals(r.owned, `${WP} implemented\n`);
      assertEquals(r.calls, EXPECTED_CALLS);
      assertEquals(r.gitStatus, [`?? ${OWNED_FILE}`], "nothing but the owned file changed");
      assertStringIncludes(r.result.finalMessage, `Implemented ${WP}`);
      const tools = r.requests[0]?.tools ?? [];
      assert(tools.includes("write_file") && tools.includes("run_shell_command"), tools.join(","));
      assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens from the result's usage");
    },
  },
  {
    title: "review approve arrives as a structured verdict (--json-schema)",
    run: { name: "review", role: "review" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assertEquals(r.requests[0]?.answered.kind, "structured", "answered through the structured_output tool");
      assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
      assertEquals([r.calls, r.gitStatus], [[], []], "a reviewer changes nothing");
    },
  },
  {
    title: "review reject arrives as changes_requested with the feedback",
    run: { name: "review-reject", role: "review", knobs: { reject: [WP] } },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      const v = parseVerdict(r.result.finalMessage);
      assertEquals(v, { verdict: "changes_requested", feedback: REJECT_FEEDBACK });
    },
  },
  {
    title: "a review answered in plain text instead of the tool still decides by its VERDICT line",
    run: { name: "review-text", role: "review", knobs: { reviewAsText: true } },
    check: (r) => {
      // Qwen fails a --json-schema run that ends without the tool call ("Model produced plain text
      // instead of calling the structured_output tool"); the verdict line in that text stands.
      assertEquals(r.exitCode, 1, r.stdout);
      assertEquals(r.result.failure, null, r.stdout);
      assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
    },
  },
  {
    title: "429 with retry-after ends in rate_limit carrying the server's retry-after",
    run: {
      name: "err-429",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "rate_limit", r.stdout);
      assertEquals(r.result.failure?.retryAfterMs, 1_000);
      assertEquals(count(r, "implement"), 7, "qwen's own 7 attempts, retry-after apart");
    },
  },
  {
    title: "401 ends in auth at once (no retry, next agent in the chain)",
    run: { name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] },
    check: (r) => {
      assertEquals(r.result.failure?.class, "auth", r.stdout);
      assert(!retriedByEngine("auth"));
      assertEquals(count(r, "implement"), 1);
    },
  },
  {
    title: "404 model not found ends in model_not_found at once",
    run: { name: "err-404", role: "implement", faults: [{ fault: { kind: "status", status: 404 } }] },
    check: (r) => {
      assertEquals(r.result.failure?.class, "model_not_found", r.stdout);
      assertStringIncludes(r.result.failure?.message ?? "", "does not exist");
      assertEquals(count(r, "implement"), 1);
    },
  },
  {
    title: "503 overloaded ends in overloaded (transient) after qwen's own retries",
    run: {
      name: "err-503",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 503, retryAfterSeconds: 1 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "overloaded", r.stdout);
      assert(retriedByEngine("overloaded"));
      assertEquals(count(r, "implement"), 7);
    },
  },
  {
    title: "one 529 overloaded answer is retried by qwen and the attempt succeeds",
    run: {
      name: "err-529-once",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 529, retryAfterSeconds: 1 }, role: "implement", times: 1 }],
    },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout);
      assertEquals(r.calls, EXPECTED_CALLS);
    },
  },
  {
    title: "a stream that stalls after its first event is killed at our stall_timeout",
    run: {
      name: "stall",
      role: "implement",
      faults: [{ fault: { kind: "stall" }, role: "implement", skip: 1 }],
      stallTimeoutMs: 5_000,
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "stall", r.stdout);
      assertEquals(r.owned, `${WP} implemented\n`, "the step before the stall ran");
      assert(r.requests.some((q) => q.answered.kind === "stall"));
      assertEquals(r.calls, []);
    },
  },
]);
