/**
 * The pinned real Pi CLI, driven through our agent runner with the built-in `pi` definition
 * against the scripted Chat Completions server: implement, review (plain VERDICT text: Pi has
 * no structured output) and each fault's failure class.
 *
 * Pi exits 0 even when the run ended in a provider error (`stopReason: "error"`); the parser
 * decides. Its own agent-level retry (`retry.maxRetries`, default 3 at 2 s, 4 s, 8 s, not
 * honouring `retry-after`) is set to 1 at 200 ms by `piSetup`, and the OpenAI SDK's retries
 * underneath to 0, so a failing turn is 2 requests.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { piSetup } from "../support/real_cli/pi.ts";
import { chatCliSuite, type RealRun } from "../support/real_cli/chat_cli_harness.ts";

const sortedTools = (r: RealRun) => [...(r.requests[0]?.tools ?? [])].sort();

chatCliSuite({
  title: `pi ${pinned("pi").version} (real)`,
  agentId: "pi",
  setup: piSetup,
  cli: "Pi",
  failingTurnRequests: 2,
  failingTurnNote: "one Pi retry",
  tokensFrom: "message_end usage",
  checksGitStatus: true,
  stallTimeoutMs: 4_000,
  cases: {
    // Exactly the tools our argv allows (`--tools read,bash,edit,write,grep,find,ls`).
    impl: { also: (r) => assertEquals(sortedTools(r), ["bash", "edit", "find", "grep", "ls", "read", "write"]) },
    review: {
      title: "review approve parses to our verdict (plain VERDICT text, read-only tools)",
      also: (r) => assertEquals(sortedTools(r), ["find", "grep", "ls", "read"]),
    },
    "review-reject": {
      also: (r) => assertStringIncludes(parseVerdict(r.result.finalMessage)?.feedback ?? "", REJECT_FEEDBACK),
    },
    // Pi drops the retry-after header; the OpenAI error text ("try again in 1s") still carries it.
    "err-429": {
      title: "429 ends in rate_limit with the delay the provider's message states",
      also: (r) => assertEquals(r.exitCode, 0, "Pi exits 0 after a provider error in json mode"),
    },
  },
  extra: [{
    title: "without its agent directory Pi's start-up failure is auth, not a crash",
    run: {
      name: "err-no-provider",
      role: "implement",
      // The provider files exist, but Pi is not told where (as for a user whose PI_CODING_AGENT_DIR
      // is unset in the orchestrator's environment).
      setup: async (server, dir) => {
        const s = await piSetup(server, dir);
        const { PI_CODING_AGENT_DIR: _dir, ...env } = s.env;
        return { env };
      },
    },
    check: (r) => {
      assertEquals(r.exitCode, 1);
      assertEquals(r.result.failure?.class, "auth", r.stderr);
      assertStringIncludes(r.result.failure?.message ?? "", "No API key found");
      assertEquals(r.requests.length, 0);
    },
  }],
});
