/**
 * One retry layer for a failing read: `EngineContext.refresh()` over the real host adapter (a
 * host script that crashes on every call) starts as many host processes as the adapter's own
 * retry policy allows, not that number again for every retry of the engine.
 */
import { assertEquals, assertRejects } from "../../test/support/assert.ts";
import { scriptHost } from "../../test/support/script_host.ts";
import { HostTransportError } from "../domain/host_errors.ts";
import { READ_RETRIES } from "../host/spec_kitty_host.ts";
import { harness } from "../../test/support/harness.ts";

Deno.test("EngineContext.refresh() of a failing mission-state read starts 1 + READ_RETRIES host processes, no more", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-refresh-" });
  try {
    const { host, processes } = await scriptHost(dir, "echo 'Traceback: boom' >&2\nexit 1", { timeoutMs: 10_000 });
    const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
    h.host.missionState = (mission) => host.missionState(mission);
    const error = await assertRejects(() => h.engine.ctx.refresh(), HostTransportError);
    assertEquals(error.kind, "crash");
    assertEquals(await processes(), 1 + READ_RETRIES);
    assertEquals(h.clock.sleeps, [], "the engine does not wait to retry a read the adapter already retried");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
