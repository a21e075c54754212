import { join } from "node:path";
import { assertEquals } from "../../test/support/assert.ts";
import { exists } from "./fs.ts";

Deno.test("exists() sees files, directories and dangling links, not missing paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "f"), "x");
    await Deno.symlink(join(dir, "nowhere"), join(dir, "link"));
    assertEquals(await exists(join(dir, "f")), true);
    assertEquals(await exists(dir), true);
    assertEquals(await exists(join(dir, "link")), true);
    assertEquals(await exists(join(dir, "missing")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
