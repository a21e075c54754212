/**
 * Defects found by the adversarial probe (issue 12 §4): bad host answers, mission files and
 * filesystem states that must end in a clear user error, never a stack trace, and change nothing.
 */
import { assert, assertEquals } from "../assert.ts";
import { orchestrateArgs, withFaultRepo } from "./harness.ts";
import { assertAfterFault, assertMessage } from "./invariants.ts";

/** No stack trace and no "this is a bug" in what the user sees. */
function assertNoCrash(out: string): void {
  assert(!/\n\s+at .+:\d+:\d+\)?/.test(out), `a stack trace was printed:\n${out}`);
  assert(!out.includes("This is a bug"), `reported as a bug:\n${out}`);
}

const READS = new Set(["contract-version", "mission-state", "list-ready"]);

Deno.test("D1: any failure answer to contract-version is a host error naming the code, on a run and a dry run", async () => {
  await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
    for (const code of ["TRANSITION_REJECTED", "NEW_HOST_CODE"]) {
      await repo.hostFault("contract-version", `fail * ${code}`);
      for (const extra of [[], ["--dry-run"]]) {
        const result = await repo.cli(orchestrateArgs(repo, ...extra));
        assertMessage(result, 1, code, "contract-version", "fix:");
        assertNoCrash(result.out);
      }
    }
    const others = (await repo.hostCalls()).filter(([sub]) => !READS.has(sub ?? ""));
    assertEquals(others, [], "only read-only host calls were made");
    await assertAfterFault(repo, { stateMayBeMissing: true });
  });
});
