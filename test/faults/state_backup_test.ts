/**
 * Fault #9 of docs/reliability.md §4.2 with a good backup: a truncated, empty or bit-flipped state
 * file falls back to the previous generation with a warning.
 */
import { assert } from "../support/assert.ts";
import { withFaultRepo } from "../support/faults/harness.ts";
import { assertResumable } from "../support/faults/invariants.ts";
import { stoppedRun } from "../support/faults/scenarios.ts";

const ONE_WP = [{ id: "WP01" }];

for (
  const [name, damage] of [
    ["truncated", (t: string) => t.slice(0, Math.floor(t.length / 2))],
    ["zero-length", () => ""],
    ["bit-flipped", (t: string) => {
      const i = t.indexOf('"mission"');
      return t.slice(0, i + 3) + String.fromCharCode(t.charCodeAt(i + 3) ^ 0x01) + t.slice(i + 4);
    }],
  ] as const
) {
  Deno.test(`fault #9: a ${name} state file falls back to its backup with a warning; resume finishes`, async () => {
    await withFaultRepo({ wps: ONE_WP }, async (repo) => {
      const path = await stoppedRun(repo);
      await Deno.writeTextFile(path, damage(await Deno.readTextFile(path)));
      const result = await assertResumable(repo);
      assert(result.out.includes("is unusable") && result.out.includes("using its backup"), result.out);
    });
  });
}
