/**
 * The Qwen parser's decisions beyond the recorded samples: which `[API Error: NNN …]` statuses
 * classify, and when a `--json-schema` review answered in plain text keeps its verdict.
 */
import { assertEquals } from "../../../test/support/assert.ts";
import { qwenApiErrorClass, qwenParser } from "./qwen.ts";
import { parseAll } from "../stdout_capture.ts";

const errorResult = (message: string) => ({
  type: "result",
  subtype: "error_during_execution",
  is_error: true,
  error: { message },
});

Deno.test("qwenApiErrorClass() reads the status of Qwen's fixed '[API Error: NNN' prefix only", () => {
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 401 Incorrect API key provided]")), "auth");
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 403 Forbidden]")), "auth");
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 404 The model `m` does not exist]")), "model_not_found");
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 429 Rate limit reached]")), "rate_limit");
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 529 Overloaded]")), "overloaded");
  assertEquals(qwenApiErrorClass(errorResult("[API Error: 500 Internal error]")), null);
  assertEquals(
    qwenApiErrorClass(errorResult("Tool failed: exit 401 from curl")),
    null,
    "a number in prose is not a status",
  );
  assertEquals(qwenApiErrorClass(undefined), null);
});

function run(events: unknown[], exitCode: number, role: "implement" | "review") {
  return parseAll(qwenParser, { stdout: JSON.stringify(events), stderr: "", exitCode, role });
}

const assistant = (text: string) => ({
  type: "assistant",
  message: { role: "assistant", content: [{ type: "text", text }] },
});
const PLAIN = "Model produced plain text instead of calling the structured_output tool as required by --json-schema";

Deno.test("a --json-schema review answered in text keeps the VERDICT line it holds", () => {
  const out = run([assistant("Fine.\n\nVERDICT: CHANGES_REQUESTED\n- add tests"), errorResult(PLAIN)], 1, "review");
  assertEquals([out.ok, out.failure], [true, null]);
  assertEquals(out.finalMessage, "Fine.\n\nVERDICT: CHANGES_REQUESTED\n- add tests");
});

Deno.test("a text review without a verdict line, an implementer run, or an API error stays a failure", () => {
  assertEquals(run([assistant("I looked at it."), errorResult(PLAIN)], 1, "review").failure?.class, "crash");
  assertEquals(run([assistant("VERDICT: APPROVED"), errorResult(PLAIN)], 1, "implement").ok, false);
  const api = run([assistant("VERDICT: APPROVED"), errorResult("[API Error: 401 Incorrect API key]")], 1, "review");
  assertEquals(api.failure?.class, "auth");
});
