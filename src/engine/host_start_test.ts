import { assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { UserError } from "../domain/errors.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import { requireMission, startReads } from "./host_start.ts";
import { FakeHost } from "../../test/support/fake_host.ts";

const CMD = ["spec-kitty"];

function host(): FakeHost {
  return new FakeHost("/repo", [{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: [] }]);
}

Deno.test("startReads() sends contract-version, mission-state and list-ready at once", async () => {
  const h = host();
  let inFlight = 0;
  let most = 0;
  for (const name of ["contractVersion", "missionState", "listReady"] as const) {
    const real = (h[name] as (...a: unknown[]) => Promise<unknown>).bind(h);
    (h as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 0));
      inFlight--;
      return await real(...args);
    };
  }
  const start = await startReads(h, { hostCommand: CMD, mission: "001-demo", listReady: true });
  assertEquals(most, 3);
  assertEquals(start.contract.apiVersion, "1.3.0");
  assertEquals(start.missionState?.workPackages.map((w) => w.wpId), ["WP01", "WP02"]);
  assertEquals(start.ready?.readyWorkPackages.map((w) => w.wpId), ["WP01", "WP02"]);
  assertEquals(h.callCounts(), { "contract-version": 1, "mission-state": 1, "list-ready": 1 });
});

Deno.test("startReads() without a mission only checks the contract", async () => {
  const h = host();
  const start = await startReads(h, { hostCommand: CMD });
  assertEquals(start.missionState, undefined);
  assertEquals(h.callCounts(), { "contract-version": 1 });
});

Deno.test("startReads() reports a contract failure first, whatever the mission read answered", async () => {
  const h = host();
  h.failures.push({
    command: "contract-version",
    error: () => new HostTransportError("not_found", "contract-version", "spec-kitty: not found"),
  });
  h.failures.push({
    command: "mission-state",
    error: () => new HostError("mission-state", "MISSION_NOT_FOUND", { message: "no" }),
  });
  const error = await assertRejects(
    () => startReads(h, { hostCommand: CMD, mission: "001-demo", listReady: true }),
    UserError,
  );
  assertStringIncludes(error.message, "Cannot reach the fake host as 'spec-kitty orchestrator-api contract-version'");
});

Deno.test("startReads() turns a missing mission into a user error once the contract is fine", async () => {
  const error = await assertRejects(
    () => startReads(host(), { hostCommand: CMD, mission: "999-nope", listReady: true }),
    UserError,
  );
  assertStringIncludes(error.message, "Cannot orchestrate mission '999-nope' as it must exist");
});

Deno.test("startReads() leaves ready out when list-ready fails (the engine reads it again)", async () => {
  const h = host();
  h.failures.push({ command: "list-ready", error: () => new HostError("list-ready", "USAGE_ERROR", { message: "?" }) });
  const start = await startReads(h, { hostCommand: CMD, mission: "001-demo", listReady: true });
  assertEquals(start.ready, undefined);
  assertEquals(start.missionState?.workPackages.length, 2);
});

Deno.test("requireMission() names an unreadable mission with the doctor fix", async () => {
  const h = host();
  h.failures.push({
    command: "mission-state",
    error: () => new HostError("mission-state", "INTERNAL", { message: "x" }),
  });
  const error = await assertRejects(() => requireMission(h, "001-demo"), UserError);
  assertStringIncludes(error.message, "Cannot read mission '001-demo' from the fake host");
});
