import { assertEquals } from "../../test/support/assert.ts";
import { shellJoin, shellQuote } from "./shell_quote.ts";

Deno.test("shellQuote() leaves safe words and quotes the rest", () => {
  assertEquals(shellQuote("T001"), "T001");
  assertEquals(shellQuote("a b"), "'a b'");
  assertEquals(shellQuote("it's"), `'it'\\''s'`);
  assertEquals(shellQuote(""), "''");
  assertEquals(shellQuote("x;rm -rf /"), "'x;rm -rf /'");
});

Deno.test("shellJoin() joins quoted words", () => {
  assertEquals(shellJoin(["spec-kitty", "agent", "a b"]), "spec-kitty agent 'a b'");
});
