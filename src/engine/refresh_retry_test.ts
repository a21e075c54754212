/**
 * One retry layer for a failing read: `EngineContext.refresh()` over the real host adapter (a
 * host script that crashes on every call) starts as many host processes as the adapter's own
 * retry policy allows, not that number again for every retry of the engine.
 */
import { assertEquals, assertRejects } from "../../test/assert.ts";
import { HostTransportError } from "../host/errors.ts";
import { READ_RETRIES, SpecKittyHost } from "../host/spec_kitty_host.ts";
import { harness } from "./testing/harness.ts";

/** A host that counts its processes in `<dir>/calls` and crashes without an answer. */
async function crashingHost(dir: string): Promise<{ host: SpecKittyHost; processes: () => Promise<number> }> {
  const script = `${dir}/crashing-host.sh`;
  await Deno.writeTextFile(script, `#!/bin/sh\necho call >> '${dir}/calls'\necho 'Traceback: boom' >&2\nexit 1\n`);
  await Deno.chmod(script, 0o755);
  const host = new SpecKittyHost({
    command: [script],
    repoRoot: dir,
    kind: "test",
    timeoutMs: 10_000,
    sleep: () => Promise.resolve(),
    random: () => 0,
  });
  const processes = async () => (await Deno.readTextFile(`${dir}/calls`).catch(() => "")).split("\n").length - 1;
  return { host, processes };
}

Deno.test("EngineContext.refresh() of a failing mission-state read starts 1 + READ_RETRIES host processes, no more", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-refresh-" });
  try {
    const { host, processes } = await crashingHost(dir);
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
