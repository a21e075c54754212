import { assert, assertEquals } from "../../test/support/assert.ts";
import { defaultResolvedConfig, templateResolvedConfig } from "./mod.ts";
import { SCHEMA_URL } from "./json_schema.ts";
import { DEFAULT_CONFIG_YAML } from "./template.ts";

Deno.test("DEFAULT_CONFIG_YAML validates and resolves exactly to the built-in defaults", () => {
  assertEquals(templateResolvedConfig(), defaultResolvedConfig());
});

Deno.test("DEFAULT_CONFIG_YAML starts with the yaml-language-server schema header", () => {
  assert(DEFAULT_CONFIG_YAML.startsWith(`# yaml-language-server: $schema=${SCHEMA_URL}\n`));
});
