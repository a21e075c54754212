/**
 * The pinned real opencode CLI, driven through our agent runner with the built-in `opencode`
 * definition against the scripted Chat Completions server: implement, review (plain VERDICT
 * text: opencode has no structured-output flag) and each fault's failure class.
 *
 * opencode retries 429 and 5xx itself, 5 times, waiting the server's `retry-after-ms` /
 * `retry-after` (without one: 2 s doubling, up to 30 s) and has no knob for it; the fault
 * cases therefore send `retry-after: 1`, so a case costs about 6 s instead of a minute.
 */
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { opencodeSetup } from "../support/real_cli/opencode.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { chatCliSuite, WP } from "../support/real_cli/chat_cli_harness.ts";

chatCliSuite({
  title: `opencode ${pinned("opencode").version} (real)`,
  agentId: "opencode",
  setup: opencodeSetup,
  cli: "opencode",
  failingTurnRequests: 6,
  failingTurnNote: "opencode tried once and retried 5 times",
  tokensFrom: "step_finish, summed",
  checksGitStatus: false,
  stallTimeoutMs: 5_000,
  cases: {
    impl: {
      also: (r) => {
        assert(r.result.ok);
        // opencode's own tools did the work: `write` for the file, `bash` for each mark-status line.
        const tools = r.requests.filter((q) => q.role === "implement").map((q) => q.answered);
        assertEquals(tools.map((a) => a.kind), ["write", "shell", "shell", "text"]);
        // Its first request is the title generator (a side request with no tools).
        assertEquals(r.requests[0]?.role, "side");
      },
    },
    "review-reject": { also: (r) => assertStringIncludes(r.result.finalMessage, REJECT_FEEDBACK) },
    "err-429": {
      also: (r) => {
        assertEquals(r.exitCode, 1);
        assertEquals(r.owned, null);
      },
    },
    // Only the task's requests are refused, not the title generator's side request.
    "err-404": { run: { faults: [{ fault: { kind: "status", status: 404 }, role: "implement" }] } },
    "err-529-once": { also: (r) => assertEquals(r.owned, `${WP} implemented\n`) },
  },
});
