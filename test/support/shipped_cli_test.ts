import { join } from "node:path";
import { assertEquals, assertNotEquals } from "./assert.ts";
import { sourceHash } from "./shipped_cli.ts";

Deno.test("sourceHash() follows the sources, the bundle script, the config and the lock, not the tests", async () => {
  const root = await Deno.makeTempDir({ prefix: "sko-shipped-" });
  try {
    await Deno.mkdir(join(root, "src", "core"), { recursive: true });
    await Deno.mkdir(join(root, "scripts"));
    const write = (rel: string, text: string) => Deno.writeTextFile(join(root, rel), text);
    await write("src/main.ts", "main");
    await write("src/core/a.ts", "a");
    await write("scripts/bundle.ts", "bundle");
    await write("deno.json", "{}");
    await write("deno.lock", "{}");
    const first = await sourceHash(root);
    await write("src/core/a_test.ts", "a test");
    await write("src/core/notes.md", "notes");
    assertEquals(await sourceHash(root), first, "tests and other files do not count");
    for (const [rel, text] of [["src/core/a.ts", "a2"], ["deno.lock", "{ }"], ["scripts/bundle.ts", "b2"]]) {
      const before = await sourceHash(root);
      await write(rel!, text!);
      assertNotEquals(await sourceHash(root), before, rel);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
