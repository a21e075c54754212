/**
 * The adapter against the real built-in host: our own binary (`selfCommand()`), a real
 * subprocess, real envelopes. Only calls that need no project are used, so this stays fast.
 */
import { assertEquals, assertRejects } from "../../test/support/assert.ts";
import type { ResolvedConfig } from "../domain/config.ts";
import { HostError } from "../domain/host_errors.ts";
import { createHost } from "./mod.ts";
import { negotiateContract } from "./negotiate.ts";

Deno.test("createHost(builtin) negotiates the contract and maps MISSION_NOT_FOUND through a subprocess", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sko-builtin-" });
  try {
    const config = {
      host: { kind: "builtin", command: [], timeoutMs: 30_000, heartbeatMs: 1 },
    } as unknown as ResolvedConfig;
    const host = createHost(config, dir);
    assertEquals(host.kind, "builtin");
    const info = await negotiateContract(host);
    assertEquals(info.apiVersion.split(".")[0], "1");
    const error = await assertRejects(() => host.missionState("001-demo"), HostError);
    assertEquals(error.code, "MISSION_NOT_FOUND");
    assertEquals(host.callCounts(), { "contract-version": 1, "mission-state": 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
