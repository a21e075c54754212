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
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import { piSetup } from "../support/real_cli/pi.ts";
import {
  EXPECTED_CALLS,
  OWNED_FILE,
  realCliSuite,
  type RealRun,
  retriedByEngine,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("pi").version;
const count = (r: RealRun) => r.requests.filter((q) => q.role === "implement").length;

realCliSuite(`pi ${V} (real)`, { agentId: "pi", setup: piSetup }, [
  {
    title: "implement writes the owned file with its write tool and runs every mark-status line",
    run: { name: "impl", role: "implement" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assertEquals(r.owned, `${WP} implemented\n`);
      assertEquals(r.calls, EXPECTED_CALLS);
      assertEquals(r.gitStatus, [`?? ${OWNED_FILE}`]);
      assertStringIncludes(r.result.finalMessage, `Implemented ${WP}`);
      // Exactly the tools our argv allows (`--tools read,bash,edit,write,grep,find,ls`).
      assertEquals([...(r.requests[0]?.tools ?? [])].sort(), ["bash", "edit", "find", "grep", "ls", "read", "write"]);
      assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens from message_end usage");
    },
  },
  {
    title: "review approve parses to our verdict (plain VERDICT text, read-only tools)",
    run: { name: "review", role: "review" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
      assertEquals([...(r.requests[0]?.tools ?? [])].sort(), ["find", "grep", "ls", "read"]);
      assertEquals([r.calls, r.gitStatus], [[], []]);
    },
  },
  {
    title: "review reject parses to changes_requested with the feedback",
    run: { name: "review-reject", role: "review", knobs: { reject: [WP] } },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      const v = parseVerdict(r.result.finalMessage);
      assertEquals(v?.verdict, "changes_requested");
      assertStringIncludes(v?.feedback ?? "", REJECT_FEEDBACK);
    },
  },
  {
    title: "429 ends in rate_limit with the delay the provider's message states",
    run: {
      name: "err-429",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 429, retryAfterSeconds: 1 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.exitCode, 0, "Pi exits 0 after a provider error in json mode");
      assertEquals(r.result.failure?.class, "rate_limit", r.stdout);
      // Pi drops the retry-after header; the OpenAI error text ("try again in 1s") still carries it.
      assertEquals(r.result.failure?.retryAfterMs, 1_000);
      assertEquals(count(r), 2, "one Pi retry");
    },
  },
  {
    title: "401 ends in auth at once (no retry, next agent in the chain)",
    run: { name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] },
    check: (r) => {
      assertEquals(r.result.failure?.class, "auth", r.stdout);
      assert(!retriedByEngine("auth"));
      assertEquals(count(r), 1);
    },
  },
  {
    title: "404 model not found ends in model_not_found at once",
    run: { name: "err-404", role: "implement", faults: [{ fault: { kind: "status", status: 404 } }] },
    check: (r) => {
      assertEquals(r.result.failure?.class, "model_not_found", r.stdout);
      assertStringIncludes(r.result.failure?.message ?? "", "does not exist");
      assertEquals(count(r), 1);
    },
  },
  {
    title: "503 overloaded ends in overloaded (transient) after Pi's own retry",
    run: {
      name: "err-503",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 503, retryAfterSeconds: 1 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "overloaded", r.stdout);
      assert(retriedByEngine("overloaded"));
      assertEquals(count(r), 2);
    },
  },
  {
    title: "one 529 overloaded answer is retried by Pi and the attempt succeeds",
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
      stallTimeoutMs: 4_000,
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "stall", r.stdout);
      assertEquals(r.owned, `${WP} implemented\n`);
      assert(r.requests.some((q) => q.answered.kind === "stall"));
      assertEquals(r.calls, []);
    },
  },
  {
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
  },
]);
