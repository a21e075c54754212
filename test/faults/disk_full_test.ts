/**
 * Fault #12 of docs/reliability.md §4.2: the disk fills up while the run writes its state and logs.
 * `.kittify/` is a 2 MiB tmpfs (needs root and `mount`; the test is skipped otherwise) that the
 * agent fills right after doing its work, so the next state save gets a real ENOSPC.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, hostLanes } from "../support/faults/invariants.ts";

function canMount(): boolean {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return false;
  try {
    const probe = Deno.makeTempDirSync({ prefix: "sko-mount-probe-" });
    const ok = new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe] }).outputSync()
      .success;
    if (ok) new Deno.Command("umount", { args: [probe] }).outputSync();
    Deno.removeSync(probe);
    return ok;
  } catch {
    return false;
  }
}

Deno.test({
  name: "fault #12: disk full while writing state: the run stops with 'No space left', the previous state intact",
  ignore: !canMount(),
  fn: async () => {
    await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
      const kittify = join(repo.root, ".kittify");
      await Deno.mkdir(kittify, { recursive: true });
      const mount = new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", "size=2m", "tmpfs", kittify] });
      assert((await mount.output()).success, "mounted a tmpfs on .kittify");
      try {
        await repo.agentMode("impl-a", "implement", "fill_disk:once");
        const result = await repo.cli(orchestrateArgs(repo));
        assertMessage(result, 1, "No space left on device", "run state");
        assert(!result.out.includes("Uncaught"), "no crash trace");
        await assertAfterFault(repo); // the state file on the full disk still decodes
        const lane = (await hostLanes(repo)).get("WP01");
        assert(lane === "in_progress" || lane === "for_review", `WP01 stopped mid-way: ${lane}`);
        await Deno.remove(join(kittify, "filler"));
        await assertResumable(repo);
        assertEquals((await hostLanes(repo)).get("WP01"), "done");
      } finally {
        await new Deno.Command("umount", { args: ["-l", kittify] }).output();
      }
    });
  },
});
