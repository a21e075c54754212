import { assert, assertEquals } from "../../test/support/assert.ts";
import { killPipeHolders, pipeHolders, stdioPipes } from "./pipe_holders.ts";
import { isPidAlive } from "./procfs.ts";
import { signalGroup } from "./terminate.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name: "killPipeHolders() stops a setsid escapee that kept the agent's stdout after its group is gone",
  ignore: !linux,
  fn: async () => {
    const child = new Deno.Command("bash", {
      args: ["-c", "setsid bash -c 'trap \"\" TERM; sleep 30; :' & echo $!; sleep 30"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      detached: true,
    }).spawn();
    const pipes = stdioPipes(child.pid);
    const reader = child.stdout.getReader();
    try {
      assertEquals(pipes.length, 1, "stdout is a pipe (stderr is /dev/null)");
      const first = new TextDecoder().decode((await reader.read()).value);
      const escapee = Number(first.trim().split("\n")[0]);
      // Wait until it has left the group (setsid done), else the group kill below would catch it.
      const pgrp = () => Number(Deno.readTextFileSync(`/proc/${escapee}/stat`).split(") ")[1]?.split(" ")[2]);
      for (let i = 0; i < 200 && pgrp() !== escapee; i++) await new Promise((r) => setTimeout(r, 10));
      signalGroup(child.pid, "SIGKILL");
      await child.status;
      assert(pipeHolders(pipes).includes(escapee), "the escapee still holds the pipe");
      const killed = await killPipeHolders(pipes, 200);
      assert(killed.includes(escapee), `signalled ${killed}`);
      assert(!isPidAlive(escapee), "ignoring SIGTERM did not save it");
      assertEquals(pipeHolders(pipes), []);
    } finally {
      signalGroup(child.pid, "SIGKILL");
      for (const pid of pipeHolders(pipes)) Deno.kill(pid, "SIGKILL");
      await reader.cancel().catch(() => {});
    }
  },
});

Deno.test("pipeHolders() finds nothing for no pipes", () => {
  assertEquals(pipeHolders([]), []);
});
