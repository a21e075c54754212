import { assert } from "../../test/support/assert.ts";
import { gitWorkspaceProbe, mtimeScanProbe } from "./workspace_probe.ts";

const GIT_ENV = ["-c", "user.name=t", "-c", "user.email=t@t"];

Deno.test("gitWorkspaceProbe() changes when an already modified file is edited again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await new Deno.Command("git", { args: [...GIT_ENV, "init", "-q", dir] }).output();
    const a = await gitWorkspaceProbe(dir);
    await Deno.writeTextFile(`${dir}/f.txt`, "1");
    const b = await gitWorkspaceProbe(dir);
    await Deno.writeTextFile(`${dir}/f.txt`, "22");
    const c = await gitWorkspaceProbe(dir);
    assert(a !== b && b !== c, `${a} ${b} ${c}`);
    assert(c === await gitWorkspaceProbe(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mtimeScanProbe() changes when a file is added outside git", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await mtimeScanProbe(dir);
    await Deno.writeTextFile(`${dir}/x`, "1");
    assert(a !== await mtimeScanProbe(dir));
    assert((await gitWorkspaceProbe(dir)).startsWith("scan:"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
