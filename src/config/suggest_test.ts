import { assertEquals } from "../../test/support/assert.ts";
import { closest, didYouMean, editDistance } from "./suggest.ts";

Deno.test("editDistance() counts insertions, deletions and substitutions", () => {
  assertEquals(editDistance("codex", "codx"), 1);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(editDistance("", "abc"), 3);
  assertEquals(editDistance("same", "same"), 0);
});

Deno.test("closest() suggests plausible typos only", () => {
  const keys = ["timeout", "stall_timeout", "retry"];
  assertEquals(closest("stall_timout", keys), "stall_timeout");
  assertEquals(closest("stallTimeout", keys), "stall_timeout");
  assertEquals(closest("banana", keys), undefined);
  assertEquals(closest("x", []), undefined);
});

Deno.test("didYouMean() formats the suggestion or nothing", () => {
  assertEquals(didYouMean("claude", ["claude-code", "codex"]), "; did you mean `claude-code`?");
  assertEquals(didYouMean("zzzzzzzz", ["claude-code", "codex"]), "");
});
