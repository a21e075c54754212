import { findRepoRoot } from "./repo_root.ts";
import { join } from "node:path";

import { assertEquals } from "../../test/support/assert.ts";

Deno.test("findRepoRoot() walks up to the directory holding .kittify", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(join(root, ".kittify"));
  await Deno.mkdir(join(root, "a", "b"), { recursive: true });
  assertEquals(await findRepoRoot(undefined, join(root, "a", "b")), root);
});

Deno.test("findRepoRoot() prefers an explicit --repo-root and rejects a missing one", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  assertEquals(await findRepoRoot(root, "/"), root);
  let threw = false;
  try {
    await findRepoRoot(join(root, "nope"));
  } catch (e) {
    threw = e instanceof Error && e.name === "UserError";
  }
  assertEquals(threw, true);
});

Deno.test("findRepoRoot() falls back to the git toplevel", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await new Deno.Command("git", { args: ["init", "-q", root] }).output();
  await Deno.mkdir(join(root, "sub"));
  assertEquals(await findRepoRoot(undefined, join(root, "sub")), root);
});
