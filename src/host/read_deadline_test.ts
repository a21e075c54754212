/**
 * The total deadline of a host read: its retries share one budget (`readDeadlineMs`), so a host
 * that hangs costs about one deadline, not `1 + READ_RETRIES` full timeouts.
 */
import { assert, assertEquals, assertRejects } from "../../test/support/assert.ts";
import { scriptHost } from "../../test/support/script_host.ts";
import { HostTransportError } from "../domain/host_errors.ts";
import { READ_RETRIES } from "./spec_kitty_host.ts";

Deno.test("SpecKittyHost: a hanging read is retried only within its deadline, each try given the time left", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-deadline-" });
  try {
    const { host, processes } = await scriptHost(dir, "exec sleep 30", {
      timeoutMs: 400,
      // After a first 400 ms timeout at most 200 ms are left: one more, shorter try, then none.
      readDeadlineMs: 600,
      killGraceMs: 200,
    });
    const error = await assertRejects(() => host.missionState("001-demo"), HostTransportError);
    assertEquals(error.kind, "timeout");
    const calls = await processes();
    assert(calls >= 1 && calls <= 2, `${calls} host processes; without the deadline: ${1 + READ_RETRIES}`);
    assertEquals(host.callCounts(), { "mission-state": calls });
    if (calls === 2) assert(!error.message.includes("within 400 ms"), `the retry had less time: ${error.message}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
