import { assertEquals } from "../../test/support/assert.ts";
import { which, whichAll } from "./which.ts";

Deno.test("which() finds executables in PATH order and ignores non-executables", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${a}/tool`, "#!/bin/sh\n");
    await Deno.chmod(`${a}/tool`, 0o644);
    await Deno.writeTextFile(`${b}/tool`, "#!/bin/sh\n");
    await Deno.chmod(`${b}/tool`, 0o755);
    assertEquals(await which("tool", `${a}:${b}`), `${b}/tool`);
    assertEquals(await whichAll("tool", `${b}:${a}:${b}`), [`${b}/tool`, `${b}/tool`]);
    assertEquals(await which("missing-tool-xyz", `${a}:${b}`), null);
    assertEquals(await which(`${b}/tool`, ""), `${b}/tool`);
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
