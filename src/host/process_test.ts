import { assertEquals } from "../../test/support/assert.ts";
import { runProcessGroup } from "./process.ts";

Deno.test("runProcessGroup() adds env to ours, or replaces ours with clearEnv", async () => {
  const cwd = Deno.cwd();
  const cleared = await runProcessGroup(["/usr/bin/env"], {
    cwd,
    env: { ONLY: "1" },
    clearEnv: true,
    timeoutMs: 10_000,
  });
  assertEquals(cleared.stdout, "ONLY=1\n");
  const added = await runProcessGroup(["/usr/bin/env"], { cwd, env: { ONLY: "1" }, timeoutMs: 10_000 });
  assertEquals(added.stdout.split("\n").includes("ONLY=1"), true);
  assertEquals(added.stdout.split("\n").some((l) => l.startsWith("PATH=")), true);
});
