/**
 * Fault #13 of docs/reliability.md §4.2: `fsync` fails with EIO (injected with
 * `strace -e inject=fsync:error=EIO`; skipped where strace or ptrace is unavailable). The first
 * durable write fails, so the run must stop at once: no fsync retry, no host mutation, the previous
 * state byte-for-byte intact, and a later run (without the fault) resumes.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { orchestrateArgs, SHIPPED_CLI, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertMessage, assertResumable, stateFiles } from "../support/faults/invariants.ts";

function straceWorks(): boolean {
  try {
    return new Deno.Command("strace", { args: ["-qq", "-o", "/dev/null", "true"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "fault #13: fsync EIO is fatal at the first durable write; previous state intact; resume works after",
  ignore: Deno.build.os !== "linux" || !straceWorks(),
  fn: async () => {
    await withFaultRepo({ wps: [{ id: "WP01" }] }, async (repo) => {
      await repo.hostFault("transition", "usage 1");
      assertMessage(await repo.cli(orchestrateArgs(repo)), 1, "USAGE_ERROR");
      await repo.hostFault("transition", null);
      const [file] = await stateFiles(repo);
      assert(file !== undefined);
      const before = await Deno.readTextFile(file);
      const callsBefore = (await repo.hostCalls()).length;
      const out = await new Deno.Command("strace", {
        args: [
          "-f",
          "-qq",
          "-o",
          "/dev/null",
          "-e",
          "trace=fsync,fdatasync",
          "-e",
          "inject=fsync,fdatasync:error=EIO",
          Deno.execPath(),
          "run",
          "--allow-all",
          SHIPPED_CLI,
          "resume",
          "--mission",
          repo.mission,
          "--repo-root",
          repo.root,
          "--no-caffeinate",
        ],
        cwd: repo.root,
        env: { FAULT_TAG: repo.parent, NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assertMessage({ code: out.code, stdout: "", stderr: text, out: text }, 1, "fsync", "Input/output error");
      assertEquals(await Deno.readTextFile(file), before, "the state file is untouched");
      const mutations = (await repo.hostCalls()).slice(callsBefore).filter(([sub]) =>
        sub === "start-implementation" || sub === "transition" || sub === "start-review"
      );
      assertEquals(mutations, [], "nothing was mutated");
      await assertAfterFault(repo);
      await assertResumable(repo);
    });
  },
});
