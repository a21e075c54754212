/**
 * Faults #16 and #18 of docs/reliability.md §4.2: the orchestrator is SIGKILLed while an agent runs
 * (the agent survives; resume reaps it), and the recorded agent pid now belongs to an unrelated
 * process (resume must never signal it).
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { encodeState } from "../../src/store/state_schema.ts";
import { JOURNAL_SUFFIX } from "../../src/store/run_state.ts";
import { type FaultRepo, orchestrateArgs, resumeArgs, withFaultRepo } from "../support/faults/harness.ts";
import {
  assertAfterFault,
  assertMessage,
  assertResumable,
  decodeStateFile,
  hostLanes,
  stateFiles,
} from "../support/faults/invariants.ts";
import { alive, waitFor } from "../support/faults/scenarios.ts";

const ONE_WP = [{ id: "WP01" }];

/** Starts a run whose first implementation sleeps, waits for the agent, SIGKILLs the run; returns the agent pid. */
async function killMidAttempt(repo: FaultRepo): Promise<number> {
  await repo.agentMode("impl-a", "implement", "slow:60:once");
  const child = repo.spawn(orchestrateArgs(repo));
  const output = child.output();
  try {
    const pid = Number(await waitFor(join(repo.control, "pid.impl-a.implement.WP01.1")));
    // The state records the running attempt right after the spawn; give that save a moment.
    for (let i = 0; i < 100; i++) {
      const [file] = await stateFiles(repo);
      const read = (path: string) => Deno.readTextFile(path).catch(() => "");
      const text = file === undefined ? "" : await read(file) + await read(file + JOURNAL_SUFFIX);
      if (text.includes(`"pgid": ${pid}`) || text.includes(`"pgid":${pid}`)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    return pid;
  } finally {
    await output.catch(() => {});
  }
}

Deno.test("fault #18: orchestrator SIGKILLed while an agent runs: the agent survives, resume reaps it and finishes", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const agent = await killMidAttempt(repo);
    assert(alive(agent), "the agent outlives the killed orchestrator (no PDEATHSIG)");
    const result = await assertResumable(repo);
    assertMessage(result, 0, "leftover agent");
    assert(!alive(agent), "resume reaped the leftover agent");
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #16: a recorded agent pid now used by an unrelated process is never signalled", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    const agent = await killMidAttempt(repo);
    Deno.kill(-agent, "SIGKILL");
    // An unrelated process (own session, so pgid = pid) takes the place of the recorded agent.
    const decoy = new Deno.Command("bash", {
      args: ["-c", "sleep 60; :", join(repo.parent, "decoy")],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    try {
      const [file] = await stateFiles(repo);
      assert(file !== undefined);
      const decoded = await decodeStateFile(file);
      assert(decoded.ok, "state readable");
      const state = decoded.state;
      assert(state.running.length > 0, "the running attempt was recorded");
      state.running = state.running.map((r) => ({ ...r, pid: decoy.pid, pgid: decoy.pid }));
      await Deno.writeTextFile(file, await encodeState(state));
      const result = await repo.cli(resumeArgs(repo));
      assertMessage(result, 0);
      assert(alive(decoy.pid), "the unrelated process was not signalled");
    } finally {
      try {
        Deno.kill(decoy.pid, "SIGKILL");
      } catch {
        // already gone: the assertion above reports it
      }
      await decoy.status;
    }
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});
