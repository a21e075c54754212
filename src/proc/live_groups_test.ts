import { assertEquals } from "../../test/support/assert.ts";
import { killLiveGroupsNow, liveGroups, trackGroup } from "./live_groups.ts";

Deno.test("killLiveGroupsNow() SIGKILLs a tracked group that ignores SIGTERM, and untracked groups are left alone", async () => {
  const spawn = () =>
    new Deno.Command("bash", { args: ["-c", "trap '' TERM; sleep 30"], detached: true, stdout: "null", stderr: "null" })
      .spawn();
  const tracked = spawn();
  const other = spawn();
  const untrack = trackGroup(tracked.pid);
  try {
    assertEquals(liveGroups().includes(tracked.pid), true);
    assertEquals(liveGroups().includes(other.pid), false);
    assertEquals(killLiveGroupsNow().includes(tracked.pid), true);
    const status = await tracked.status;
    assertEquals(status.signal, "SIGKILL");
  } finally {
    untrack();
    other.kill("SIGKILL");
    await other.status;
  }
  assertEquals(liveGroups().includes(tracked.pid), false);
});
