import { assertEquals } from "../../test/support/assert.ts";
import { redactSecrets, stderrTail } from "./stderr_tail.ts";

Deno.test("stderrTail() keeps the last N non-empty lines", () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n") + "\n\n";
  assertEquals(stderrTail(text, 3), "line 27\nline 28\nline 29");
});

Deno.test("redactSecrets() masks assignments, bearer tokens, URL credentials and key shapes", () => {
  assertEquals(redactSecrets("OPENAI_API_KEY=sk-abc"), "OPENAI_API_KEY=***");
  assertEquals(redactSecrets('{"password": "hunter2"}'), '{"password": "***"}');
  assertEquals(redactSecrets("Authorization: Bearer abcdefghijkl"), "Authorization: *** ***");
  assertEquals(redactSecrets("https://me:pw@example.com/x"), "https://***:***@example.com/x");
  assertEquals(redactSecrets("using sk-ant-0123456789abcdefghij"), "using sk-***");
  assertEquals(redactSecrets("ValueError: Invalid mission handle"), "ValueError: Invalid mission handle");
});
