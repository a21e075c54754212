/**
 * Faults #14, #15, #36 of docs/reliability.md §4.2: an overlapping run, a lock left by a SIGKILLed
 * run, and a run killed while its reviewer works.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../support/assert.ts";
import { type FaultRepo, orchestrateArgs, withFaultRepo } from "../support/faults/harness.ts";
import { assertAfterFault, assertResumable, hostLanes } from "../support/faults/invariants.ts";
import { waitFor } from "../support/faults/scenarios.ts";

const ONE_WP = [{ id: "WP01" }];

/** Starts orchestrate in the background; `fn` gets it; it is SIGKILLed and awaited whatever happens. */
async function withBackgroundRun(
  repo: FaultRepo,
  fn: (child: Deno.ChildProcess) => Promise<void>,
): Promise<{ code: number }> {
  const child = repo.spawn(orchestrateArgs(repo));
  const output = child.output();
  try {
    await fn(child);
  } finally {
    const guard = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // gone
      }
    }, 60_000);
    await output.catch(() => {});
    clearTimeout(guard);
  }
  return { code: (await output).code };
}

Deno.test("fault #14: a second run while the first holds the lock exits 75 naming the holder, no host mutation", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "slow:4");
    let second: { code: number; out: string } = { code: -1, out: "" };
    let mutations = 0;
    const first = await withBackgroundRun(repo, async (child) => {
      await waitFor(join(repo.control, "pid.impl-a.implement.WP01.1"));
      const before = (await repo.hostCalls()).length;
      second = await repo.cli(orchestrateArgs(repo));
      mutations = (await repo.hostCalls()).slice(before).filter(([sub]) =>
        sub === "start-implementation" || sub === "transition" || sub === "start-review"
      ).length;
      assert(child.pid > 0);
    });
    assertEquals(second.code, 75, second.out);
    assert(/already|running|lock/i.test(second.out) && /pid|\b\d{2,}\b/.test(second.out), second.out);
    assertEquals(mutations, 0, "the second run mutated nothing while the agent worked");
    assertEquals(first.code, 0, "the first run finished normally");
    await assertAfterFault(repo);
    assertEquals((await hostLanes(repo)).get("WP01"), "done");
  });
});

Deno.test("fault #15: after the lock holder is SIGKILLed, the next run acquires the lock and finishes", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("impl-a", "implement", "slow:30:once");
    await withBackgroundRun(repo, async (child) => {
      await waitFor(join(repo.control, "pid.impl-a.implement.WP01.1"));
      child.kill("SIGKILL");
    });
    assert(await Deno.stat(join(repo.root, ".kittify", "locks")).then(() => true, () => false));
    const result = await assertResumable(repo); // also reaps the agent the dead run left behind
    assert(!result.out.includes("already running"), result.out);
  });
});

Deno.test("fault #36: killed while the reviewer runs: resume re-runs the review instead of stalling", async () => {
  await withFaultRepo({ wps: ONE_WP }, async (repo) => {
    await repo.agentMode("review-a", "review", "hang:once");
    await withBackgroundRun(repo, async (child) => {
      await waitFor(join(repo.control, "pid.review-a.review.WP01.1"));
      child.kill("SIGKILL");
    });
    assertEquals((await hostLanes(repo)).get("WP01"), "in_review");
    await assertResumable(repo);
    const reviews = (await repo.agentCalls()).filter(([a, role]) => a === "review-a" && role === "review");
    assertEquals(reviews.length, 2, "the review ran again");
    const impls = (await repo.agentCalls()).filter(([, role]) => role === "implement");
    assertEquals(impls.length, 1, "the implementation was not redone");
  });
});
