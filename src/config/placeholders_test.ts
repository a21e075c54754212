import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { expandCommand, placeholdersIn } from "./placeholders.ts";

const values = {
  prompt_file: "/tmp/p.md",
  prompt: "do it 'now'",
  workspace: "/w s",
  repo_root: "/repo",
  role: "implement",
  wp: "WP01",
  mission: "001-demo",
};

Deno.test("placeholdersIn() finds names in braces and ignores JSON braces", () => {
  assertEquals(placeholdersIn("{repo_root}/x/{wp}.log"), ["repo_root", "wp"]);
  assertEquals(placeholdersIn('{"a": 1}'), []);
  assertEquals(placeholdersIn("{Prompt_File}"), ["Prompt_File"]);
});

Deno.test("expandCommand() substitutes per argument without splitting", () => {
  assertEquals(expandCommand(["{repo_root}/a.sh", "{prompt}", "--cwd={workspace}", '{"k":1}'], values), [
    "/repo/a.sh",
    "do it 'now'",
    "--cwd=/w s",
    '{"k":1}',
  ]);
  assertThrows(() => expandCommand(["{nope}"], values), RangeError, "not a known placeholder");
});
