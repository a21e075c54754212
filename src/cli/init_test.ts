import { join } from "node:path";
import { assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { UserError } from "../domain/errors.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { DEFAULT_CONFIG_YAML } from "../config/template.ts";
import { loadResolvedConfig } from "../store/config_file.ts";
import { runInit } from "./init.ts";

const base = { demo: false, force: false, json: false };

Deno.test("runInit() writes a template that validates, and refuses to overwrite without --force", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "init-" }));
  try {
    const term = memoryTerminal();
    assertEquals(await runInit({ ...base, repoRoot: root }, term, root), 0);
    const path = join(root, "orchestration.yaml");
    assertEquals(await Deno.readTextFile(path), DEFAULT_CONFIG_YAML);
    assertStringIncludes(term.text(), `Wrote ${path}.`);
    assertEquals((await loadResolvedConfig(root, {}, root)).source, path);

    await Deno.writeTextFile(path, "version: 1\n# mine\n");
    const error = await assertRejects(() => runInit({ ...base, repoRoot: root }, memoryTerminal(), root), UserError);
    assertEquals(error.exitCode, 2);
    assertStringIncludes(error.message, "must not exist without --force");
    assertEquals(await Deno.readTextFile(path), "version: 1\n# mine\n");

    assertEquals(await runInit({ ...base, repoRoot: root, force: true }, memoryTerminal(), root), 0);
    assertEquals(await Deno.readTextFile(path), DEFAULT_CONFIG_YAML);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runInit() writes into the given directory", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "init-" }));
  try {
    await Deno.mkdir(join(root, "proj"));
    assertEquals(await runInit({ ...base, dir: "proj" }, memoryTerminal(), root), 0);
    assertEquals(await Deno.readTextFile(join(root, "proj", "orchestration.yaml")), DEFAULT_CONFIG_YAML);
    await assertRejects(
      () => runInit({ ...base, dir: "missing" }, memoryTerminal(), root),
      UserError,
      "directory must exist",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
