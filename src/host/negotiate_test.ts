import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "../../test/support/assert.ts";
import { UserError } from "../domain/errors.ts";
import { VERSION } from "../domain/version.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import { checkContract, negotiateContract } from "./negotiate.ts";
import type { ContractInfo, Host } from "../domain/host.ts";

/** A host whose only working method is contractVersion. */
function fakeHost(answer: (provider?: string) => Promise<ContractInfo>, seen: (string | undefined)[] = []): Host {
  const no = () => Promise.reject(new Error("not used"));
  return {
    kind: "spec-kitty",
    contractVersion: (v) => {
      seen.push(v);
      return answer(v);
    },
    missionState: no,
    listReady: no,
    resolveWorkspace: no,
    startImplementation: no,
    startReview: no,
    transition: no,
    appendHistory: no,
    acceptMission: no,
    mergeMission: no,
    callCounts: () => ({}),
  };
}

const info = (api: string, min = "0.1.0"): ContractInfo => ({ apiVersion: api, minSupportedProviderVersion: min });

Deno.test("negotiateContract() sends our version and accepts 1.3.0", async () => {
  const seen: (string | undefined)[] = [];
  const result = await negotiateContract(fakeHost(() => Promise.resolve(info("1.3.0")), seen));
  assertEquals(result.apiVersion, "1.3.0");
  assertEquals(seen, [VERSION]);
});

Deno.test("checkContract() accepts newer 1.x including pre-releases", () => {
  for (const v of ["1.4.0", "1.10.0", "1.4.0rc1", "1.4.0-beta.2", "1.3.1.dev3"]) {
    assertEquals(checkContract(info(v)).apiVersion, v);
  }
});

Deno.test("checkContract() accepts every 1.x from 1.0.0 (older eras are driven through their profile)", () => {
  for (const v of ["1.0.0", "1.1.0", "1.2.0", "1.3.0.dev3", "1.3.0rc1"]) {
    assertEquals(checkContract(info(v), "0.1.0").apiVersion, v);
  }
});

Deno.test("checkContract() refuses pre-releases of 1.0.0, naming both versions", () => {
  for (const v of ["1.0.0rc1", "1.0.0.dev3"]) {
    const error = assertThrows(() => checkContract(info(v), "0.1.0"), UserError);
    assertEquals(error.exitCode, 1);
    assertStringIncludes(error.message, v);
    assertStringIncludes(error.message, "1.0.0");
    assertStringIncludes(error.fix ?? "", "pipx upgrade spec-kitty-cli");
  }
});

Deno.test("negotiateContract() names the era: detected by the adapter, else from the version", async () => {
  const era = async (answer: ContractInfo) => (await negotiateContract(fakeHost(() => Promise.resolve(answer)))).era;
  assertEquals(await era(info("1.3.0")), "1.3");
  assertEquals(await era(info("1.2.0")), "1.2-mission");
  assertEquals(await era(info("1.1.0")), "1.1-mission");
  assertEquals(await era(info("1.0.0")), "1.0-mission");
  assertEquals(await era({ ...info("1.0.0"), era: "1.0-feature" }), "1.0-feature");
});

Deno.test("checkContract() refuses other majors: newer asks to upgrade us, older the host", () => {
  const newer = assertThrows(() => checkContract(info("2.0.0")), UserError);
  assertStringIncludes(newer.message, "2.0.0");
  assertStringIncludes(newer.fix ?? "", "Upgrade spec-kitty-orchestrator");
  const older = assertThrows(() => checkContract(info("0.9.0")), UserError);
  assertStringIncludes(older.fix ?? "", "Upgrade spec-kitty");
});

Deno.test("checkContract() refuses an unparsable contract version without crashing", () => {
  const error = assertThrows(() => checkContract(info("banana")), UserError);
  assertStringIncludes(error.message, "banana");
});

Deno.test("checkContract() honours min_supported_provider_version", () => {
  const error = assertThrows(() => checkContract(info("1.3.0", "0.2.0"), "0.1.0"), UserError);
  assertStringIncludes(error.message, "0.2.0");
  assertStringIncludes(error.message, "0.1.0");
  assertStringIncludes(error.fix ?? "", "Upgrade spec-kitty-orchestrator to 0.2.0");
  assertEquals(checkContract(info("1.3.0", "0.1.0rc1"), "0.1.0").apiVersion, "1.3.0");
});

Deno.test("negotiateContract() CONTRACT_VERSION_MISMATCH envelope becomes a UserError with both versions", async () => {
  const refusal = new HostError("contract-version", "CONTRACT_VERSION_MISMATCH", {
    provider_version: "0.1.0",
    min_supported_provider_version: "0.5.0",
    api_version: "1.3.0",
    message: "Provider version '0.1.0' is below minimum '0.5.0'",
  });
  const error = await assertRejects(
    () => negotiateContract(fakeHost(() => Promise.reject(refusal)), "0.1.0"),
    UserError,
  );
  assertEquals(error.exitCode, 1);
  assertStringIncludes(error.message, "0.1.0");
  assertStringIncludes(error.message, "0.5.0");
  assertStringIncludes(error.fix ?? "", "Upgrade spec-kitty-orchestrator to 0.5.0");
});

Deno.test("negotiateContract() transport errors pass through unchanged", async () => {
  const fault = new HostTransportError("not_found", "contract-version", "missing");
  const error = await assertRejects(() => negotiateContract(fakeHost(() => Promise.reject(fault))), HostTransportError);
  assertEquals(error.kind, "not_found");
});

Deno.test("negotiateContract() any other refusal (known or unknown code) is a UserError naming the code", async () => {
  for (const code of ["TRANSITION_REJECTED", "SOMETHING_NEW", null]) {
    const refusal = new HostError("contract-version", code, { message: "nope" });
    const error = await assertRejects(() => negotiateContract(fakeHost(() => Promise.reject(refusal))), UserError);
    assertEquals(error.exitCode, 1);
    assertStringIncludes(error.message, code ?? "no error_code");
    assertStringIncludes(error.message, "contract-version");
    assertStringIncludes(error.message, "nope");
    assertStringIncludes(error.fix ?? "", "--host builtin");
  }
});
