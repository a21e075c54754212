import { assertEquals, assertStringIncludes } from "../test/support/assert.ts";
import { reportError } from "./main.ts";
import { HostError, HostTransportError } from "./domain/host_errors.ts";
import { memoryTerminal } from "./output/terminal.ts";

Deno.test("reportError(): a host refusal that reaches the top is exit 1 with the host's code and a fix, never 'a bug'", () => {
  const term = memoryTerminal();
  const code = reportError(
    new HostError("mission-state", "SOMETHING_NEW", { message: "nope \x1b]0;PWNED\x07" }),
    term,
  );
  assertEquals(code, 1);
  const text = term.text();
  assertStringIncludes(text, "The host refused 'mission-state' with SOMETHING_NEW");
  assertStringIncludes(text, "fix: run 'spec-kitty orchestrator-api mission-state --help'");
  assertEquals(text.includes("This is a bug"), false);
  assertEquals(text.includes("\x1b]0;"), false);
  assertEquals(text.includes("    at "), false);
});

Deno.test("reportError(): an unusable host is exit 1 with its stderr tail and what to check", () => {
  const term = memoryTerminal();
  const code = reportError(
    new HostTransportError("crash", "list-ready", "host list-ready crashed with exit 1", {
      stderrTail: "Traceback (most recent call last): ...",
    }),
    term,
  );
  assertEquals(code, 1);
  assertStringIncludes(term.text(), "Cannot use the host for 'list-ready' (crash)");
  assertStringIncludes(term.text(), "host stderr: Traceback");
  assertEquals(term.text().includes("This is a bug"), false);
});

Deno.test("reportError(): anything else is an internal error with the report hint", () => {
  const term = memoryTerminal();
  assertEquals(reportError(new TypeError("x is undefined"), term), 1);
  assertStringIncludes(term.text(), "x is undefined");
  assertStringIncludes(term.text(), "This is a bug");
});
