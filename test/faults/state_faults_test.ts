/**
 * Faults #8, #9, #10 of docs/reliability.md §4.2: stray temp files of a killed writer, a state file
 * and its backup both damaged, a state from a newer schema.
 */
import { basename, dirname, join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, resumeArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertHostConsistent, assertMessage, assertNoOrphans, assertResumable } from "../support/faults/invariants.ts";
import { stoppedRun } from "../support/faults/scenarios.ts";

const ONE_WP = [{ id: "WP01" }];

Deno.test("fault #8: temp files a killed writer left beside the state are removed; the state is intact", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const path = await stoppedRun(repo);
    const strays = [".tmp-4242-abcdef", ".tmp-1-000000"].map((s) => join(dirname(path), `.${basename(path)}${s}`));
    for (const stray of strays) await Deno.writeTextFile(stray, '{"schema_version": 1, "half": ');
    await assertResumable(repo);
    for (const stray of strays) {
      assert(!(await Deno.stat(stray).then(() => true, () => false)), `${stray} was cleaned`);
    }
  });
});

Deno.test("fault #9: state and backup both damaged: a clear error, never a silent fresh start; --fresh recovers", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const path = await stoppedRun(repo);
    await Deno.writeTextFile(path, "{");
    await Deno.writeTextFile(path + ".bak", "");
    const before = (await repo.hostCalls()).length;
    for (const args of [resumeArgs(repo), orchestrateArgs(repo)]) {
      const result = await repo.cli(args);
      assertMessage(result, 1, path, "backup", "--fresh");
    }
    const calls = (await repo.hostCalls()).slice(before).map(([sub]) => sub ?? "");
    assert(!calls.some((s) => s.startsWith("start-") || s === "transition"), `no mutation: ${calls}`);
    assertEquals(await Deno.readTextFile(path), "{", "the damaged file is left for inspection");
    await assertNoOrphans(repo);
    await assertHostConsistent(repo);
    const fresh = await repo.cli(orchestrateArgs(repo, "--fresh"));
    assertMessage(fresh, 0, "moved it to");
  });
});

Deno.test("fault #10: a state file from a newer schema is refused with an upgrade message and left untouched", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const path = await stoppedRun(repo);
    const doc = JSON.parse(await Deno.readTextFile(path));
    doc.schema_version = 99;
    const text = JSON.stringify(doc, null, 2);
    await Deno.writeTextFile(path, text);
    for (const args of [resumeArgs(repo), orchestrateArgs(repo)]) {
      const result = await repo.cli(args);
      assertMessage(result, 1, "newer orchestrator", "v99", "Upgrade");
    }
    assertEquals(await Deno.readTextFile(path), text, "not overwritten");
  });
});
