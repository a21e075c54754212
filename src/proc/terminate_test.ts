import { assert, assertEquals } from "../../test/assert.ts";
import { isPidAlive } from "./procfs.ts";
import { groupAlive, signalGroup, terminateGroup } from "./terminate.ts";

Deno.test("terminateGroup() escalates to SIGKILL for members ignoring SIGTERM", async () => {
  const child = new Deno.Command("bash", {
    args: ["-c", "trap '' TERM; sleep 1000 & wait"],
    detached: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await new Promise((r) => setTimeout(r, 200));
  assert(groupAlive(child.pid));
  await terminateGroup(child.pid, 200);
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL");
  for (let i = 0; i < 40 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 25));
  assert(!groupAlive(child.pid));
  assert(!isPidAlive(child.pid));
});

Deno.test("signalGroup() reports a group that no longer exists", async () => {
  const child = new Deno.Command("true", { detached: true }).spawn();
  await child.status;
  assertEquals(signalGroup(child.pid, "SIGTERM"), false);
  assertEquals(groupAlive(child.pid), false);
});
