import { assertEquals } from "../../test/support/assert.ts";
import { outsideOwned, pathMatches } from "./owned_files.ts";

Deno.test("pathMatches() understands files, directories, * and **", () => {
  assertEquals(pathMatches("demo/greet.py", "demo/greet.py"), true);
  assertEquals(pathMatches("demo", "demo/sub/x.py"), true);
  assertEquals(pathMatches("demo/", "demo/x.py"), true);
  assertEquals(pathMatches("demo/*.py", "demo/x.py"), true);
  assertEquals(pathMatches("demo/*.py", "demo/sub/x.py"), false);
  assertEquals(pathMatches("src/**/*.ts", "src/a/b/c.ts"), true);
  assertEquals(pathMatches("src/**/*.ts", "src/c.ts"), true);
  assertEquals(pathMatches("docs/usage.md", "docs/usage.mdx"), false);
  assertEquals(pathMatches("a.b", "aXb"), false);
});

Deno.test("outsideOwned() lists scratch files and checks nothing without patterns", () => {
  assertEquals(outsideOwned(["demo/x.py", ".fake-review-count", "docs/a.md"], ["demo/", "docs/*.md"]), [
    ".fake-review-count",
  ]);
  assertEquals(outsideOwned(["anything"], []), []);
});
