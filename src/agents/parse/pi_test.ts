/**
 * The Pi parser's decisions beyond the recorded samples: the leading HTTP status of a provider
 * error, and Pi's fixed start-up lines.
 */
import { assertEquals } from "../../../test/support/assert.ts";
import { piParser, piStatusClass } from "./pi.ts";
import { parseAll } from "../stdout_capture.ts";

Deno.test("piStatusClass() reads the provider SDK's leading status only", () => {
  assertEquals(piStatusClass("401 Incorrect API key provided: sk-test."), "auth");
  assertEquals(piStatusClass("404 The model `m` does not exist"), "model_not_found");
  assertEquals(piStatusClass("429 Rate limit reached"), "rate_limit");
  assertEquals(piStatusClass("503 The server is overloaded"), "overloaded");
  assertEquals(piStatusClass("500 Internal error"), null);
  assertEquals(piStatusClass("Connection error."), null);
  assertEquals(piStatusClass("2024 was a good year"), null, "four digits are no status");
});

const SESSION = '{"type":"session","version":3,"id":"s","cwd":"/w"}\n';

Deno.test("a start-up 'No API key found' is auth only before any agent event", () => {
  const stderr = "No API key found for the selected model.\n\nUse /login to log into a provider\n";
  const early = parseAll(piParser, { stdout: SESSION, stderr, exitCode: 1 });
  assertEquals(early.failure?.class, "auth");
  assertEquals(early.failure?.message, "No API key found for the selected model.");
  const late = parseAll(piParser, { stdout: SESSION + '{"type":"agent_start"}\n', stderr, exitCode: 1 });
  assertEquals(late.failure?.class, "crash", "after start-up the line is not Pi's start-up check");
});
