import { join } from "node:path";
import { assert, assertEquals } from "../../test/support/assert.ts";
import { groupMembers, isPidAlive, parseProcStat, pidsWithEnvEntry, readProcStat } from "./procfs.ts";

/** A `/proc/<pid>/stat` line with state `state`, group `pgrp` and start time `start`. */
function statLine(pid: number, name: string, state: string, pgrp: number, start: string): string {
  const fields = Array.from({ length: 50 }, () => "0");
  fields[0] = state;
  fields[2] = String(pgrp);
  fields[19] = start;
  return `${pid} (${name}) ${fields.join(" ")}`;
}

Deno.test("procfs readers over a fake /proc: stat fields, live group members, environment tags", async () => {
  const proc = await Deno.makeTempDir({ prefix: "fake-proc-" });
  try {
    const add = async (pid: number, stat: string, environ = "") => {
      await Deno.mkdir(join(proc, String(pid)));
      await Deno.writeTextFile(join(proc, String(pid), "stat"), stat);
      await Deno.writeTextFile(join(proc, String(pid), "environ"), environ);
    };
    await add(10, statLine(10, "lead) (x", "S", 10, "111"), "A=1\0SKO_RUN_ID=r1\0");
    await add(11, statLine(11, "child", "R", 10, "112"), "SKO_RUN_ID=r10\0");
    await add(12, statLine(12, "zombie", "Z", 10, "113"), "SKO_RUN_ID=r1\0");
    await add(20, statLine(20, "other", "S", 20, "114"));
    assertEquals(await readProcStat(10, proc), { state: "S", pgrp: 10, startTime: "111" });
    assertEquals(await readProcStat(99, proc), null);
    assertEquals((await groupMembers(10, proc)).sort(), [10, 11], "the zombie is not a member");
    assertEquals(await pidsWithEnvEntry("SKO_RUN_ID", "r1", proc), [10, 12], "whole entries only: r10 is another run");
    assertEquals(parseProcStat("no parenthesis"), null);
  } finally {
    await Deno.remove(proc, { recursive: true });
  }
});

Deno.test("isPidAlive() is true for us and false for a reaped child", async () => {
  assert(isPidAlive(Deno.pid));
  const child = new Deno.Command("true").spawn();
  await child.status;
  assertEquals(isPidAlive(child.pid), false);
});
