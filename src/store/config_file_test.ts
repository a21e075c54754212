import { join } from "node:path";
import { assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { ConfigError } from "../domain/errors.ts";
import { findConfigFile, loadConfigFile, loadResolvedConfig } from "./config_file.ts";
import { MAX_CONFIG_BYTES } from "../config/parse.ts";

async function tempRepo(): Promise<string> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "config-load-" }));
  await Deno.mkdir(join(root, ".kittify"));
  return root;
}

Deno.test("findConfigFile() prefers --config, then orchestration.yaml, then .kittify/orchestration.yaml", async () => {
  const root = await tempRepo();
  try {
    assertEquals(await findConfigFile(root, undefined, root), null);
    await Deno.writeTextFile(join(root, ".kittify", "orchestration.yaml"), "version: 1\n");
    assertEquals(await findConfigFile(root, undefined, root), join(root, ".kittify", "orchestration.yaml"));
    await Deno.writeTextFile(join(root, "orchestration.yaml"), "version: 1\n");
    assertEquals(await findConfigFile(root, undefined, root), join(root, "orchestration.yaml"));
    await Deno.mkdir(join(root, "sub"));
    await Deno.writeTextFile(join(root, "sub", "x.yaml"), "version: 1\n");
    assertEquals(await findConfigFile(root, "x.yaml", join(root, "sub")), join(root, "sub", "x.yaml"));
    await assertRejects(() => findConfigFile(root, "missing.yaml", root), ConfigError, "'--config'");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadResolvedConfig() uses the defaults when there is no file", async () => {
  const root = await tempRepo();
  try {
    const config = await loadResolvedConfig(root, {}, root);
    assertEquals([config.source, config.maxConcurrent], [null, 4]);
    assertEquals((await loadConfigFile(root, undefined, root)).file, null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadResolvedConfig() reads the file, applies flags and names the file in errors", async () => {
  const root = await tempRepo();
  try {
    await Deno.writeTextFile(join(root, "orchestration.yaml"), "version: 1\nmax_concurrent: 2\n");
    const config = await loadResolvedConfig(root, { actor: "x" }, root);
    assertEquals([config.source, config.maxConcurrent, config.actor], [join(root, "orchestration.yaml"), 2, "x"]);
    await Deno.writeTextFile(join(root, "orchestration.yaml"), "version: 1\nmax_concurrent: two\n");
    const error = await assertRejects(() => loadResolvedConfig(root, {}, root), ConfigError);
    assertStringIncludes(error.message, "orchestration.yaml:2:17: max_concurrent must be a number");
    assertEquals(error.exitCode, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("loadConfigFile() rejects an oversized file before reading it", async () => {
  const root = await tempRepo();
  try {
    await Deno.writeTextFile(join(root, "orchestration.yaml"), "#".repeat(MAX_CONFIG_BYTES + 1));
    await assertRejects(() => loadConfigFile(root, undefined, root), ConfigError, "must be at most 256 KiB");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
