import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../test/support/assert.ts";
import { memoryTerminal } from "../src/output/terminal.ts";
import { renderJsonSchema } from "../src/config/json_schema.ts";
import { schemaScript } from "./schema.ts";

Deno.test("schemaScript() --write writes the schema and --check fails on drift", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schema-" });
  const path = join(dir, "schema", "orchestration.schema.json");
  try {
    assertEquals(await schemaScript(["--check"], path, memoryTerminal()), 1, "a missing file is drift");
    assertEquals(await schemaScript(["--write"], path, memoryTerminal()), 0);
    assertEquals(await Deno.readTextFile(path), renderJsonSchema());
    assertEquals(await schemaScript(["--check"], path, memoryTerminal()), 0);
    await Deno.writeTextFile(path, renderJsonSchema().replace("Format version", "Old version"));
    const term = memoryTerminal();
    assertEquals(await schemaScript(["--check"], path, term), 1);
    assertStringIncludes(term.text(), "Run `deno task schema` and commit the result.");
    assertEquals(await schemaScript([], path, memoryTerminal()), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
