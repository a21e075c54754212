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
import { parseVerdict } from "../../src/core/verdict.ts";
import { REJECT_FEEDBACK } from "../support/model_server/script.ts";
import { opencodeSetup } from "../support/real_cli/opencode.ts";
import { pinned } from "../support/real_cli/pinned.ts";
import {
  EXPECTED_CALLS,
  realCliSuite,
  type RealRun,
  retriedByEngine,
  WP,
} from "../support/real_cli/chat_cli_harness.ts";

const V = pinned("opencode").version;
/** Our stall limit in the stall case (counted from opencode's first model request). */
const STALL_MS = 5_000;
const implementRequests = (r: RealRun) => r.requests.filter((q) => q.role === "implement").length;

realCliSuite(`opencode ${V} (real)`, { agentId: "opencode", setup: opencodeSetup }, [
  {
    title: "implement writes the owned file with its write tool and runs every mark-status line",
    run: { name: "impl", role: "implement" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assert(r.result.ok);
      assertEquals(r.owned, `${WP} implemented\n`);
      assertEquals(r.calls, EXPECTED_CALLS);
      assertStringIncludes(r.result.finalMessage, `Implemented ${WP}`);
      // opencode's own tools did the work: `write` for the file, `bash` for each mark-status line.
      const tools = r.requests.filter((q) => q.role === "implement").map((q) => q.answered);
      assertEquals(tools.map((a) => a.kind), ["write", "shell", "shell", "text"]);
      assert(r.result.tokens !== null && r.result.tokens.input > 0, "tokens summed from step_finish");
      // Its first request is the title generator (a side request with no tools).
      assertEquals(r.requests[0]?.role, "side");
    },
  },
  {
    title: "review approve parses to our verdict (plain VERDICT text)",
    run: { name: "review", role: "review" },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      assertEquals(parseVerdict(r.result.finalMessage)?.verdict, "approved");
      assertEquals(r.calls, [], "a reviewer runs no status commands");
    },
  },
  {
    title: "review reject parses to changes_requested with the feedback",
    run: { name: "review-reject", role: "review", knobs: { reject: [WP] } },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout + r.stderr);
      const v = parseVerdict(r.result.finalMessage);
      assertEquals(v?.verdict, "changes_requested");
      assertStringIncludes(r.result.finalMessage, REJECT_FEEDBACK);
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
      assertEquals(r.exitCode, 1);
      assertEquals(implementRequests(r), 6, "opencode tried once and retried 5 times");
      assertEquals(r.owned, null);
    },
  },
  {
    title: "401 ends in auth at once (no retry, next agent in the chain)",
    run: { name: "err-401", role: "implement", faults: [{ fault: { kind: "status", status: 401 } }] },
    check: (r) => {
      assertEquals(r.result.failure?.class, "auth", r.stdout);
      assert(!retriedByEngine("auth"), "auth goes to the next agent of the chain");
      assertEquals(implementRequests(r), 1);
    },
  },
  {
    title: "404 model not found ends in model_not_found at once",
    run: {
      name: "err-404",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 404 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "model_not_found", r.stdout);
      assertStringIncludes(r.result.failure?.message ?? "", "does not exist");
      assertEquals(implementRequests(r), 1);
    },
  },
  {
    title: "503 overloaded ends in overloaded (transient) after opencode's own retries",
    run: {
      name: "err-503",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 503, retryAfterSeconds: 1 }, role: "implement" }],
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "overloaded", r.stdout);
      assert(retriedByEngine("overloaded"), "transient: waited out by the engine");
      assertEquals(implementRequests(r), 6);
    },
  },
  {
    title: "one 529 overloaded answer is retried by opencode and the attempt succeeds",
    run: {
      name: "err-529-once",
      role: "implement",
      faults: [{ fault: { kind: "status", status: 529, retryAfterSeconds: 1 }, role: "implement", times: 1 }],
    },
    check: (r) => {
      assertEquals(r.result.failure, null, r.stdout);
      assertEquals(r.owned, `${WP} implemented\n`);
      assertEquals(r.calls, EXPECTED_CALLS);
    },
  },
  // The stall hits the second implement request: opencode has printed events and written the
  // file by then, and nothing it does afterwards counts as progress.
  {
    title: "a stream that stalls after its first event is killed at our stall_timeout",
    run: {
      name: "stall",
      role: "implement",
      faults: [{ fault: { kind: "stall" }, role: "implement", skip: 1 }],
      stallTimeoutMs: STALL_MS,
    },
    check: (r) => {
      assertEquals(r.result.failure?.class, "stall", r.stdout);
      assertEquals(r.owned, `${WP} implemented\n`, "the step before the stall ran");
      assert(r.requests.some((q) => q.answered.kind === "stall"), "the stalled stream was served");
      assertEquals(r.calls, [], "nothing after the stall ran");
    },
  },
]);
