import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { sampleState } from "../../test/support/state_fixture.ts";
import type { RunState } from "../domain/run_state.ts";
import { bootId, groupMembers, parseProcStat, procStartTime } from "./procfs.ts";
import { reapLeftovers, reapRunning } from "./reaper.ts";

const linux = Deno.build.os === "linux";

function spawnGroup(script: string): Deno.ChildProcess {
  return new Deno.Command("sh", {
    args: ["-c", script],
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function stateFor(child: Deno.ChildProcess, startTime?: string): Promise<RunState> {
  const state = sampleState();
  // Wait until the shell has exec'd or forked so /proc shows the final state.
  await new Promise((r) => setTimeout(r, 100));
  state.running = [{
    ...state.running[0]!,
    pid: child.pid,
    pgid: child.pid,
    proc_start_time: startTime ?? await procStartTime(child.pid),
    boot_id: await bootId(),
  }];
  return state;
}

async function cleanup(child: Deno.ChildProcess): Promise<void> {
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  await child.status;
}

Deno.test("parseProcStat() counts fields after the last parenthesis", () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  const stat = parseProcStat(`123 (we (ird) name) S 1 777 ${fields.slice(3).join(" ")}`);
  assertEquals(stat, { state: "S", pgrp: 777, startTime: "22" });
  assertEquals(parseProcStat("garbage"), null);
});

Deno.test({
  name: "reapLeftovers() terminates a recorded live process group",
  ignore: !linux,
  async fn() {
    const child = spawnGroup("sleep 1000 & sleep 1000; wait");
    try {
      const state = await stateFor(child);
      assertEquals((await groupMembers(child.pid)).length >= 2, true);
      const lines = await reapLeftovers(state, { graceMs: 5_000 });
      assertEquals(lines.length, 1);
      assertStringIncludes(lines[0]!, "terminated with SIGTERM");
      assertEquals(await groupMembers(child.pid), []);
      assertEquals((await child.status).signal, "SIGTERM");
    } finally {
      await cleanup(child);
    }
  },
});

Deno.test({
  name: "reapRunning() escalates to SIGKILL when the group ignores SIGTERM",
  ignore: !linux,
  async fn() {
    const child = spawnGroup("trap '' TERM; sleep 1000");
    try {
      const results = await reapRunning(await stateFor(child), { graceMs: 300 });
      assertEquals(results[0]?.action, "killed");
      assertEquals(await groupMembers(child.pid), []);
    } finally {
      await cleanup(child);
    }
  },
});

Deno.test({
  name: "reapRunning() never signals a pid whose start time differs (PID reuse)",
  ignore: !linux,
  async fn() {
    const child = spawnGroup("sleep 1000");
    try {
      const sent: number[] = [];
      const results = await reapRunning(await stateFor(child, "1"), { graceMs: 100, kill: (pid) => sent.push(pid) });
      assertEquals(results[0]?.action, "pid_reused");
      assertEquals(sent, []);
      assert((await procStartTime(child.pid)) !== null, "the process must still be alive");
    } finally {
      await cleanup(child);
    }
  },
});

Deno.test({
  name: "reapRunning() never signals anything recorded before a reboot",
  ignore: !linux,
  async fn() {
    const child = spawnGroup("sleep 1000");
    try {
      const state = await stateFor(child);
      state.running[0]!.boot_id = "another-boot";
      const sent: number[] = [];
      const results = await reapRunning(state, { kill: (pid) => sent.push(pid) });
      assertEquals(results[0]?.action, "other_boot");
      assertEquals(sent, []);
    } finally {
      await cleanup(child);
    }
  },
});

Deno.test("reapRunning() reports an exited process as gone and one without start time as unverifiable", async () => {
  const proc = await Deno.makeTempDir({ prefix: "fake-proc-" });
  try {
    await Deno.mkdir(join(proc, "sys", "kernel", "random"), { recursive: true });
    await Deno.writeTextFile(join(proc, "sys", "kernel", "random", "boot_id"), "b1\n");
    await Deno.mkdir(join(proc, "500"));
    const tail = Array.from({ length: 30 }, () => "0");
    tail[19] = "999";
    await Deno.writeTextFile(join(proc, "500", "stat"), `500 (agent) S 1 ${["500", ...tail.slice(3)].join(" ")}`);
    const state = sampleState();
    const base = { ...state.running[0]!, boot_id: "b1" };
    state.running = [
      { ...base, pid: 400, pgid: 400, proc_start_time: "5" },
      { ...base, pid: 500, pgid: 500, proc_start_time: null },
    ];
    const sent: number[] = [];
    const results = await reapRunning(state, { procRoot: proc, kill: (pid) => sent.push(pid) });
    assertEquals(results.map((r) => r.action), ["gone", "unverifiable"]);
    assertEquals(sent, []);
    assertEquals(await bootId(proc), "b1");
    assertEquals(await procStartTime(500, proc), "999");
  } finally {
    await Deno.remove(proc, { recursive: true });
  }
});

Deno.test("reapLeftovers() also stops an agent of the run whose spawn was never recorded (run-id tag)", async () => {
  if (Deno.build.os !== "linux") return;
  const state = sampleState();
  state.run_id = `reap-${crypto.randomUUID()}`;
  state.running = [];
  const child = new Deno.Command("sleep", {
    args: ["1000"],
    env: { SKO_RUN_ID: state.run_id },
    detached: true,
    stdin: "null",
  }).spawn();
  try {
    await new Promise((r) => setTimeout(r, 100));
    const lines = await reapLeftovers(state, { graceMs: 2_000 });
    assertEquals(lines.length, 1);
    assertStringIncludes(lines[0]!, `pid ${child.pid} of run ${state.run_id}`);
    assertEquals((await child.status).signal, "SIGTERM");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
  }
});
