import { assertEquals } from "../../test/support/assert.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { renderJsonSchema } from "../config/json_schema.ts";
import { runSchema } from "./schema.ts";

Deno.test("runSchema() prints the JSON Schema on stdout", async () => {
  const term = memoryTerminal({ json: true });
  assertEquals(await runSchema({ json: true }, term), 0);
  assertEquals(term.out.join(""), renderJsonSchema());
  assertEquals(
    (JSON.parse(term.out.join("")) as { $schema: string }).$schema,
    "http://json-schema.org/draft-07/schema#",
  );
});
