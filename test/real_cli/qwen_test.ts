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
import { assert, assertEquals } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { qwenSetup } from "../support/real_cli/qwen.ts";
import { chatCliSuite } from "../support/real_cli/chat_cli_harness.ts";

chatCliSuite({
  title: `qwen ${pinned("qwen").version} (real)`,
  agentId: "qwen",
  setup: qwenSetup,
  cli: "qwen",
  failingTurnRequests: 7,
  failingTurnNote: "qwen's own 7 attempts, retry-after apart",
  tokensFrom: "the result's usage",
  checksGitStatus: true,
  stallTimeoutMs: 5_000,
  cases: {
    impl: {
      title: "implement writes the owned file with write_file and runs every mark-status line",
      also: (r) => {
        const tools = r.requests[0]?.tools ?? [];
        assert(tools.includes("write_file") && tools.includes("run_shell_command"), tools.join(","));
      },
    },
    review: {
      title: "review approve arrives as a structured verdict (--json-schema)",
      also: (r) =>
        assertEquals(r.requests[0]?.answered.kind, "structured", "answered through the structured_output tool"),
    },
    "review-reject": {
      title: "review reject arrives as changes_requested with the feedback",
      also: (r) =>
        assertEquals(parseVerdict(r.result.finalMessage), { verdict: "changes_requested", feedback: REJECT_FEEDBACK }),
    },
  },
  extra: [{
    after: "review-reject",
    title: "a review answered in plain text instead of the tool still decides by its VERDICT line",
    run: { name: "review-text", role: "review", knobs: { reviewAsText: true } },
    check: (r) => {
      // Qwen fails a --json-schema run that ends without the tool call ("Model produced plain text
      // instead of calling the structured_output tool"); the verdict line in that text stands.
      assertEquals(r.exitCode, 1, r.stdout);
      assertEquals(r.result.failure, null, r.stdout);
      assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
    },
  }],
});
