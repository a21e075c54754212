import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { HostError } from "../domain/host_errors.ts";
import { ambiguousTimeout } from "../../test/support/fake_host.ts";
import { FakeClock } from "../../test/support/fakes.ts";
import { harness, testPipeline, testStage } from "../../test/support/harness.ts";

const HAPPY = ["start-implementation", "transition:for_review", "start-review", "transition:done"];

Deno.test("Engine.run() happy path: 4 lifecycle calls per WP, reads bounded, exit 0", async () => {
  const h = harness([
    { id: "WP01", lane: "planned", deps: [] },
    { id: "WP02", lane: "planned", deps: ["WP01"] },
    { id: "WP03", lane: "planned", deps: [] },
  ]);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  for (const wp of ["WP01", "WP02", "WP03"]) {
    assertEquals(h.host.lifecycleCalls(wp), HAPPY);
    assertEquals(h.host.lane(wp), "done");
  }
  const counts = h.host.callCounts();
  assertEquals(counts["start-implementation"], 3);
  assertEquals(counts["transition"], 6);
  assertEquals(counts["start-review"], 3);
  assert((counts["mission-state"] ?? 0) + (counts["list-ready"] ?? 0) <= 2 * 3, JSON.stringify(counts));
  assertEquals(counts["resolve-workspace"], undefined);
  assertEquals(counts["append-history"], undefined);
  assertEquals(summary.status, "done");
  assertEquals(summary.wps.map((w) => w.outcome), ["done", "done", "done"]);
  assertStringIncludes(summary.next_steps.join("\n"), "spec-kitty merge --mission 001-demo");
  assertEquals(h.store.last?.status, "finished");
  assertEquals(h.store.last?.running, []);
  const done = h.host.calls.find((c) => c.wp === "WP01" && c.to === "done")!.input as Record<string, unknown>;
  const ref = done.reviewRef as string;
  assertEquals(done.reviewResult, { reviewer: "rev-a", verdict: "approved", reference: ref });
  assertEquals(done.evidence, { review: { reviewer: "rev-a", verdict: "approved", reference: ref } });
});

Deno.test("Engine.run() retries with backoff from the injected clock, then succeeds", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ implement: testStage(["impl-a"], { maxAttempts: 3 }) }),
  });
  h.runner.plan("WP01", "implement", { failure: { class: "crash", message: "boom" } }, {
    failure: { class: "timeout", message: "slow" },
  }, {});
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.clock.sleeps, [1000, 2000]);
  const attempts = h.store.last!.wps.WP01!.attempts.map((a) => `${a.role}:${a.agent}:${a.result}`);
  assertEquals(attempts, [
    "implement:impl-a:crash",
    "implement:impl-a:timeout",
    "implement:impl-a:ok",
    "review:rev-a:ok",
  ]);
});

Deno.test("Engine.run() falls back to the next agent after maxAttempts", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", { failure: { class: "crash", message: "1" } }, {
    failure: { class: "crash", message: "2" },
  }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.runner.specs.filter((s) => s.role === "implement").map((s) => s.agentId), [
    "impl-a",
    "impl-a",
    "impl-b",
  ]);
  assertEquals(h.store.last!.wps.WP01!.implement_agent_index, 1);
});

Deno.test("Engine.run() sends a non-retryable class straight to the next agent", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", { failure: { class: "auth", message: "not logged in" } }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.runner.specs.filter((s) => s.role === "implement").map((s) => s.agentId), ["impl-a", "impl-b"]);
  assertEquals(h.clock.sleeps, []);
});

Deno.test("Engine.run() honours retry-after on a rate limit", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", { failure: { class: "rate_limit", message: "429", retryAfterMs: 120_000 } }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.clock.sleeps, [120_000]);
});

Deno.test("Engine.run() treats an agent that commits nothing as no_output and retries", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", { write: false }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.store.last!.wps.WP01!.attempts[0]!.result, "no_output");
});

Deno.test("Engine.run() blocks the WP when every implementer fails, and skips its dependents", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: ["WP01"] }, {
    id: "WP03",
    lane: "planned",
    deps: ["WP02"],
  }]);
  const fail = { failure: { class: "crash" as const, message: "boom" } };
  h.runner.plan("WP01", "implement", fail, fail, fail, fail);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "blocked");
  assertEquals(summary.wps.map((w) => `${w.wp_id}:${w.outcome}`), ["WP01:blocked", "WP02:skipped", "WP03:skipped"]);
  assertStringIncludes(summary.wps[0]!.reason, "implementation failed: every agent of the chain [impl-a, impl-b]");
  assertEquals(summary.wps[1]!.reason, "dependency WP01 is blocked");
  assertEquals(summary.wps[2]!.reason, "dependency WP02 is skipped");
});

Deno.test("Engine.run() reworks after a rejection and passes the feedback on", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "review", { message: "Add tests.\nVERDICT: CHANGES_REQUESTED" }, {
    message: "VERDICT: APPROVED",
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), [
    "start-implementation",
    "transition:for_review",
    "start-review",
    "transition:in_progress",
    "transition:for_review",
    "start-review",
    "transition:done",
  ]);
  const rework = h.runner.specs.filter((s) => s.role === "implement")[1]!;
  assertStringIncludes(rework.prompt, "feedback: Add tests.");
  assertEquals(summary.wps[0]!.review_cycles, 1);
  const back = h.host.calls.find((c) => c.to === "in_progress")!.input as Record<string, unknown>;
  assertEquals((back.reviewResult as { verdict: string }).verdict, "changes_requested");
  assertStringIncludes(back.note as string, "Add tests.");
});

Deno.test("Engine.run() blocks after max_review_cycles rejections with the reason", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { pipeline: testPipeline({ maxReviewCycles: 1 }) });
  const no = { message: "Nope.\nVERDICT: CHANGES_REQUESTED" };
  h.runner.plan("WP01", "review", no, no);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "blocked");
  assertEquals(summary.wps[0]!.outcome, "blocked");
  assertStringIncludes(summary.wps[0]!.reason, "review rejected 2 times; max_review_cycles is 1");
  const blocked = h.host.calls.find((c) => c.to === "blocked")!.input as Record<string, unknown>;
  assertEquals((blocked.reviewResult as { verdict: string }).verdict, "changes_requested");
});

Deno.test("Engine.run() retries a crashed reviewer, then falls back to the next reviewer", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  const crash = { failure: { class: "crash" as const, message: "segfault" } };
  h.runner.plan("WP01", "review", crash, crash, { message: "VERDICT: APPROVED" });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.runner.specs.filter((s) => s.role === "review").map((s) => s.agentId), ["rev-a", "rev-a", "rev-b"]);
  const done = h.host.calls.find((c) => c.to === "done")!.input as Record<string, unknown>;
  assertEquals((done.reviewResult as { reviewer: string }).reviewer, "rev-b");
});

Deno.test("Engine.run() never treats a missing verdict as approval or rejection", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], {
    pipeline: testPipeline({ review: testStage(["rev-a"], { maxAttempts: 2 }) }),
  });
  h.runner.plan("WP01", "review", { message: "I think it is fine" }, { message: "still no verdict" });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "in_review");
  assertEquals(summary.wps[0]!.outcome, "failed");
  assertStringIncludes(summary.wps[0]!.reason, "review could not be completed");
  assertEquals(h.store.last!.wps.WP01!.attempts.filter((a) => a.role === "review").map((a) => a.result), [
    "no_output",
    "no_output",
  ]);
  assertEquals(h.host.calls.some((c) => c.to === "done" || c.to === "in_progress"), false);
});

Deno.test("Engine.run() never runs two WPs of one lane worktree at once", async () => {
  const h = harness([
    { id: "WP01", lane: "planned", deps: [], laneId: "lane-a" },
    { id: "WP02", lane: "planned", deps: [], laneId: "lane-a" },
    { id: "WP03", lane: "planned", deps: [], laneId: "lane-b" },
  ]);
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.runner.maxPerWorkspace, 1);
});

Deno.test("Engine.run() with lane hints does not even claim the second WP of a busy lane", async () => {
  const hints = new Map([["WP01", "lane-a"], ["WP02", "lane-a"]]);
  const h = harness([
    { id: "WP01", lane: "planned", deps: [], laneId: "lane-a" },
    { id: "WP02", lane: "planned", deps: [], laneId: "lane-a" },
  ], { laneHints: hints });
  let claimedWhileBusy = false;
  h.runner.onStart = () => {
    if (h.host.lane("WP01") !== "done" && h.host.lane("WP02") !== "planned" && h.host.lane("WP01") !== "planned") {
      claimedWhileBusy = true;
    }
  };
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(claimedWhileBusy, false);
});

Deno.test("Engine.run() respects max_concurrent", async () => {
  const wps = ["WP01", "WP02", "WP03", "WP04", "WP05"].map((id) => ({ id, lane: "planned" as const, deps: [] }));
  const h = harness(wps, { maxConcurrent: 2 });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.runner.maxConcurrent, 2);
});

Deno.test("Engine.run() turns WP_ALREADY_CLAIMED into a failed outcome without retrying", async () => {
  const h = harness([{ id: "WP01", lane: "in_progress", deps: [], claimedBy: "someone-else" }]);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps[0]!.outcome, "failed");
  assertStringIncludes(summary.wps[0]!.reason, "claimed by someone-else");
  assertEquals(h.host.callCounts()["start-implementation"], 1);
});

Deno.test("Engine.run() keeps going when append-history fails", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { historyNotes: true });
  h.host.failures.push({
    command: "append-history",
    error: () => new HostError("append-history", "HISTORY_COMMIT_FAILED", { message: "disk" }),
    times: 10,
  });
  // A fallback is noted (no transition carries it); the happy path itself notes nothing.
  h.runner.plan("WP01", "implement", { failure: { class: "auth", message: "not logged in" } }, {});
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.host.callCounts()["append-history"], 1);
  assert(h.events.some((e) => e.type === "warning" && e.message.includes("append-history failed")));
});

Deno.test("Engine.run() reconciles an ambiguous transition that the host applied", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({ command: "transition", error: () => ambiguousTimeout("transition"), applyFirst: true });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lane("WP01"), "done");
  assertEquals(h.host.lifecycleCalls("WP01"), HAPPY);
});

Deno.test("Engine.run() retries once an ambiguous transition that the host did not apply", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({ command: "transition", error: () => ambiguousTimeout("transition") });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.lifecycleCalls("WP01"), [
    "start-implementation",
    "transition:for_review",
    "transition:for_review",
    "start-review",
    "transition:done",
  ]);
});

Deno.test("Engine.run() fails the run on a permanent host error", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({
    command: "start-implementation",
    error: () => new HostError("start-implementation", "POLICY_VALIDATION_FAILED", { message: "bad policy" }),
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 1);
  assertEquals(summary.status, "failed");
  assertStringIncludes(summary.next_steps.join("\n"), "bad policy");
  assertEquals(h.store.last!.status, "failed");
});

Deno.test("Engine.run() gives explicit outcomes instead of stalling on foreign in_review work", async () => {
  const h = harness([{ id: "WP01", lane: "in_review", deps: [] }, { id: "WP02", lane: "planned", deps: ["WP01"] }]);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps.map((w) => w.outcome), ["skipped", "skipped"]);
  assertStringIncludes(summary.wps[0]!.reason, "in review by someone else");
  assertStringIncludes(summary.wps[1]!.reason, "waiting on WP01 (in_review)");
});

Deno.test("Engine.run() decides done, approved and canceled WPs without touching them", async () => {
  const h = harness([
    { id: "WP01", lane: "done", deps: [] },
    { id: "WP02", lane: "approved", deps: [] },
    { id: "WP03", lane: "canceled", deps: [] },
  ]);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps.map((w) => w.outcome), ["done", "approved", "skipped"]);
  assertEquals(h.host.calls, []);
});

Deno.test("Engine.run() calls accept-mission when asked and every WP is done", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { accept: true });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(h.host.callCounts()["accept-mission"], 1);
  assertStringIncludes(summary.next_steps.join("\n"), "accepted");
});

Deno.test("Engine.interrupt() stops agents, keeps the WP resumable and exits 130", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.plan("WP01", "implement", { hang: true });
  h.runner.onStart = () => setTimeout(() => h.engine.interrupt("SIGINT"), 5);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 130);
  assertEquals(summary.status, "interrupted");
  assert(h.runner.terminated >= 1);
  const wp = h.store.last!.wps.WP01!;
  assertEquals(wp.outcome, null);
  assertEquals(wp.phase, "implementing");
  assertEquals(wp.attempts[0]!.result, "interrupted");
  assertEquals(h.store.last!.status, "interrupted");
  assertEquals(h.host.lane("WP01"), "in_progress");
});

Deno.test("Engine.run() heartbeat notices outside changes while agents work", async () => {
  const h = harness([
    { id: "WP01", lane: "planned", deps: [] },
    { id: "WP02", lane: "planned", deps: ["WP09"] },
    { id: "WP09", lane: "in_review", deps: [] },
  ], { heartbeatMs: 30_000 });
  let wp02Started!: () => void;
  const gate = new Promise<void>((resolve) => (wp02Started = resolve));
  h.runner.plan("WP01", "implement", { waitFor: gate });
  h.runner.onStart = (spec) => {
    if (spec.wp === "WP01") h.host.wps.get("WP09")!.lane = "done";
    if (spec.wp === "WP02") wp02Started();
  };
  const { summary } = await h.engine.run();
  assertEquals(summary.wps.map((w) => `${w.wp_id}:${w.outcome}`), ["WP01:done", "WP02:done", "WP09:done"]);
  assert(h.clock.sleeps.includes(30_000));
});

Deno.test("Engine.run() reconciles an ambiguous start-implementation via resolve-workspace", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.host.failures.push({
    command: "start-implementation",
    error: () => ambiguousTimeout("start-implementation"),
    applyFirst: true,
  });
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.host.callCounts()["start-implementation"], 1);
  assertEquals(h.host.callCounts()["resolve-workspace"], 1);
  assertEquals(h.host.lane("WP01"), "done");
});

Deno.test("Engine.run() records the host's reason when a transition is rejected", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: [] }]);
  h.host.failures.push({
    command: "transition",
    wp: "WP01",
    error: () => new HostError("transition", "TRANSITION_REJECTED", { message: "subtasks T001 not done" }),
  });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps.map((w) => w.outcome), ["failed", "done"]);
  assertStringIncludes(summary.wps[0]!.reason, "TRANSITION_REJECTED: subtasks T001 not done");
  assertEquals(h.store.last!.wps.WP01!.last_error, summary.wps[0]!.reason);
});

Deno.test("Engine.run() treats a runner that throws as a config failure and falls back", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  const real = h.runner.run.bind(h.runner);
  h.runner.run = (spec, signal) =>
    spec.agentId === "impl-a" ? Promise.reject(new Error("unknown agent impl-a")) : real(spec, signal);
  assertEquals((await h.engine.run()).exitCode, 0);
  const first = h.store.last!.wps.WP01!.attempts[0]!;
  assertEquals([first.agent, first.result], ["impl-a", "config"]);
  assertStringIncludes(first.message ?? "", "unknown agent impl-a");
});

Deno.test("Engine.run() on a mission without WPs ends incomplete with the reason", async () => {
  const h = harness([]);
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertStringIncludes(summary.next_steps.join("\n"), "has no work packages");
});

Deno.test("Engine.run() reports committed files outside the WP's owned_files", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.git.files = ["demo/a.py", ".fake-review-count"];
  h.engine.ctx.deps.readText = () => Promise.resolve("---\nowned_files: [demo/]\n---\nbody\n");
  assertEquals((await h.engine.run()).exitCode, 0);
  const warning = h.events.find((e) => e.type === "warning" && e.message.includes("outside the WP's owned_files"));
  assertStringIncludes(warning?.type === "warning" ? warning.message : "", ".fake-review-count");
});

Deno.test("Engine.run() checks subtask marks itself and retries an agent that forgot them", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.engine.ctx.deps.readText = () => Promise.resolve("---\nsubtasks: [T001, T002]\n---\nbody\n");
  const marks: Record<string, string>[] = [{ T001: "done" }, { T001: "done", T002: "done" }];
  h.engine.ctx.deps.subtaskMarks = () => Promise.resolve(marks.shift() ?? null);
  h.runner.plan("WP01", "implement", {}, { write: false });
  assertEquals((await h.engine.run()).exitCode, 0);
  const impl = h.store.last!.wps.WP01!.attempts.filter((a) => a.role === "implement");
  assertEquals(impl.map((a) => a.result), ["no_output", "ok"]);
  assertStringIncludes(impl[0]!.message ?? "", "did not mark subtask(s) T002 done");
  const forReview = h.host.calls.find((c) => c.to === "for_review")!.input as Record<string, unknown>;
  assertEquals([forReview.subtasksComplete, forReview.implementationEvidencePresent], [true, true]);
});

Deno.test("Engine.run() refuses to commit after an agent changed the git configuration", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  h.runner.onStart = () => (h.git.config = "core.fsmonitor=evil");
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps[0]!.outcome, "failed");
  assertStringIncludes(summary.wps[0]!.reason, "git configuration must not change");
  assertEquals(h.host.lane("WP01"), "in_progress");
});

Deno.test("Engine.run() makes other WPs wait out an agent's rate limit before using it", async () => {
  const clock = new FakeClock(() => 0.5, { advance: false });
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: [] }], { clock });
  h.runner.plan("WP01", "implement", { failure: { class: "rate_limit", message: "429", retryAfterMs: 120_000 } }, {});
  h.runner.plan("WP02", "implement", { failure: { class: "crash", message: "boom" } }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  // WP01 waits out its own limit; WP02 backs off 1 s, then also waits for impl-a's cooldown.
  assertEquals(clock.sleeps.filter((ms) => ms === 120_000).length, 2);
  assertEquals(clock.sleeps.includes(1000), true);
  assert(h.events.some((e) => e.type === "warning" && e.wp_id === "WP02" && e.message.includes("rate limited")));
});

/** Mutating and read host calls of a run, by the contract's classes. */
function callClasses(counts: Record<string, number>): { mutating: number; read: number } {
  const sum = (names: string[]) => names.reduce((n, c) => n + (counts[c] ?? 0), 0);
  return {
    mutating: sum(["start-implementation", "start-review", "transition", "append-history", "accept-mission"]),
    read: sum(["contract-version", "mission-state", "list-ready", "resolve-workspace"]),
  };
}

Deno.test("Engine.run() on 3 chains of 4 makes exactly 4 mutating and at most 2 read calls per WP", async () => {
  const wps = [];
  for (const chain of ["A", "B", "C"]) {
    for (let i = 1; i <= 4; i++) {
      wps.push({ id: `WP${chain}${i}`, lane: "planned" as const, deps: i === 1 ? [] : [`WP${chain}${i - 1}`] });
    }
  }
  // History notes on (the default outside tests): the happy path still makes none.
  const h = harness(wps, { maxConcurrent: 4, historyNotes: true });
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 0);
  for (const wp of wps) assertEquals(h.host.lifecycleCalls(wp.id), HAPPY);
  const counts = h.host.callCounts();
  const { mutating, read } = callClasses(counts);
  assertEquals(mutating, 4 * wps.length, JSON.stringify(counts));
  assertEquals(counts["append-history"], undefined);
  assert(read <= 2 * wps.length, JSON.stringify(counts));
});

Deno.test("Engine.run() dispatches a dependent right after its dependency's done, without waiting for a read", async () => {
  const h = harness([
    { id: "WP01", lane: "planned", deps: [] },
    { id: "WP02", lane: "planned", deps: ["WP01"] },
    { id: "WP03", lane: "planned", deps: ["WP02"] },
  ]);
  const order: string[] = [];
  let reads = 0;
  let release: () => void = () => {};
  const readMission = h.host.missionState.bind(h.host);
  h.host.missionState = async (mission) => {
    reads++;
    order.push(`mission-state#${reads}`);
    // Every read after the first hangs until released (or a deadlock breaker fires).
    if (reads > 1) {
      await new Promise<void>((resolve) => {
        release = resolve;
        setTimeout(resolve, 500);
      });
      order.push(`mission-state#${reads} answered`);
    }
    return await readMission(mission);
  };
  const startImpl = h.host.startImplementation.bind(h.host);
  h.host.startImplementation = (input) => {
    order.push(`start-implementation ${input.wp}`);
    release();
    return startImpl(input);
  };
  const transition = h.host.transition.bind(h.host);
  h.host.transition = (input) => {
    order.push(`transition ${input.wp} ${input.to}`);
    return transition(input);
  };
  assertEquals((await h.engine.run()).exitCode, 0);
  // WP02 is claimed next; a read sent meanwhile (for outside changes) answers only after that.
  const next = order.slice(order.indexOf("transition WP01 done") + 1).filter((c) => !/^mission-state#\d+$/.test(c));
  assertEquals(next[0], "start-implementation WP02", order.join("; "));
});
