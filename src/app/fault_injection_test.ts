import { assertEquals } from "../../test/support/assert.ts";
import type { FaultLabel } from "../engine/ports.ts";
import { faultsFrom, requestedFaults } from "./fault_injection.ts";

Deno.test("requestedFaults() takes only exact crash@<label> items of the list", () => {
  assertEquals([...requestedFaults(undefined)], []);
  assertEquals([...requestedFaults("")], []);
  assertEquals([...requestedFaults("crash@after-commit")], ["after-commit"]);
  assertEquals([...requestedFaults("crash@before-done, crash@after-commit")].sort(), ["after-commit", "before-done"]);
  assertEquals([...requestedFaults("after-commit,crash@")], []);
});

Deno.test("faultsFrom() is no port without a request, and crashes only at the requested labels", () => {
  assertEquals(faultsFrom(undefined), undefined);
  assertEquals(faultsFrom("nothing-here"), undefined);
  const crashed: FaultLabel[] = [];
  const port = faultsFrom("crash@after-commit", (label) => crashed.push(label))!;
  port.reached("implement-running");
  port.reached("after-commit");
  port.reached("after-commit-x" as FaultLabel);
  assertEquals(crashed, ["after-commit"]);
});
