import { assert, assertEquals } from "../../test/support/assert.ts";
import { runCommand } from "./run_command.ts";

Deno.test("runCommand() returns exit code and output", async () => {
  const r = await runCommand("sh", ["-c", "echo out; echo err >&2; exit 3"]);
  assertEquals(r, { code: 3, stdout: "out\n", stderr: "err\n", timedOut: false, spawnError: null });
});

Deno.test("runCommand() kills the process group on timeout", async () => {
  const r = await runCommand("sh", ["-c", "sleep 30 & sleep 30"], { timeoutMs: 200 });
  assert(r.timedOut);
  assertEquals(r.code, null);
});

Deno.test("runCommand() reports a missing binary without throwing", async () => {
  const r = await runCommand("definitely-not-a-binary-xyz", []);
  assert(r.spawnError !== null);
});
