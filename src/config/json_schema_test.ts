import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../../test/support/assert.ts";
import { orchestrationJsonSchema, renderJsonSchema } from "./json_schema.ts";

Deno.test("renderJsonSchema() matches the committed schema/orchestration.schema.json (run `deno task schema`)", async () => {
  const committed = await Deno.readTextFile(
    fileURLToPath(new URL("../../schema/orchestration.schema.json", import.meta.url)),
  );
  assertEquals(committed, renderJsonSchema());
});

Deno.test("orchestrationJsonSchema() is draft-07, strict and gives durations a pattern", () => {
  const schema = orchestrationJsonSchema() as {
    $schema: string;
    additionalProperties: boolean;
    properties: { defaults: { properties: { timeout: { type: string; pattern: string } } } };
  };
  assertEquals(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assertEquals(schema.additionalProperties, false);
  const timeout = schema.properties.defaults.properties.timeout;
  assertEquals(timeout.type, "string");
  assert(new RegExp(timeout.pattern).test("1h30m") && !new RegExp(timeout.pattern).test("90"));
});
