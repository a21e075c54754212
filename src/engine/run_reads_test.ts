import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { HostError } from "../domain/host_errors.ts";
import type { MissionState } from "../domain/host.ts";
import { harness } from "../../test/support/harness.ts";

const refusal = () =>
  new HostError("start-implementation", "DEPENDENCIES_NOT_SATISFIED", {
    message: "WP02 depends on WP01 which is not approved or done",
  });

Deno.test("Engine.run() re-reads and retries a start refused with DEPENDENCIES_NOT_SATISFIED", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: ["WP01"] }]);
  h.host.failures.push({ command: "start-implementation", wp: "WP02", error: refusal });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 0);
  assertEquals(summary.wps.map((w) => w.outcome), ["done", "done"]);
  assertEquals(h.host.lifecycleCalls("WP02"), [
    "start-implementation",
    "start-implementation",
    "transition:for_review",
    "start-review",
    "transition:done",
  ]);
  assert(h.events.some((e) => e.type === "warning" && e.wp_id === "WP02" && e.message.includes("deferred")));
});

Deno.test("Engine.run() fails a WP the host keeps refusing with DEPENDENCIES_NOT_SATISFIED", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }, { id: "WP02", lane: "planned", deps: ["WP01"] }]);
  h.host.failures.push({ command: "start-implementation", wp: "WP02", error: refusal, times: 100 });
  const { exitCode, summary } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(summary.wps.map((w) => w.outcome), ["done", "failed"]);
  assertStringIncludes(summary.wps[1]!.reason, "refused 3 times with DEPENDENCIES_NOT_SATISFIED");
  assertEquals(h.host.callCounts()["start-implementation"], 1 + 3);
  assertEquals(h.host.lane("WP02"), "planned");
});

Deno.test("EngineContext.refresh() keeps a lane we moved after the read was sent", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  const { ctx } = h.engine;
  let answer!: (ms: MissionState) => void;
  const read = h.host.missionState.bind(h.host);
  const before = await read("001-demo");
  h.host.missionState = () => new Promise((resolve) => (answer = resolve));
  const pending = ctx.refresh();
  ctx.moved("WP01", "in_review", "done");
  answer(before);
  await pending;
  assertEquals(ctx.lanes.get("WP01"), "done");
  // A read sent after the move is believed again.
  h.host.missionState = read;
  await ctx.refresh();
  assertEquals(ctx.lanes.get("WP01"), "planned");
});

Deno.test("EngineContext.refresh({ fresh }) does not share a read sent before it was asked for", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }]);
  const { ctx } = h.engine;
  const read = h.host.missionState.bind(h.host);
  let answer!: () => void;
  let calls = 0;
  h.host.missionState = async (mission) => {
    calls++;
    if (calls === 1) await new Promise<void>((resolve) => (answer = resolve));
    return await read(mission);
  };
  const first = ctx.refresh();
  assert(ctx.refresh() === first);
  const fresh = ctx.refresh({ fresh: true });
  answer();
  await first;
  await fresh;
  assertEquals(calls, 2);
});

Deno.test("Engine.run() notes on the host why it stopped a WP that stays in its lane", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { historyNotes: true });
  h.runner.onStart = () => (h.git.config = "core.fsmonitor=evil");
  const { exitCode } = await h.engine.run();
  assertEquals(exitCode, 3);
  assertEquals(h.host.lane("WP01"), "in_progress");
  assertEquals(h.host.callCounts()["append-history"], 1);
  assertEquals(h.engine.ctx.historyCalls, 1);
});

Deno.test("Engine.run() with history notes off never calls append-history", async () => {
  const h = harness([{ id: "WP01", lane: "planned", deps: [] }], { historyNotes: false });
  h.runner.plan("WP01", "implement", { failure: { class: "auth", message: "not logged in" } }, {});
  assertEquals((await h.engine.run()).exitCode, 0);
  assertEquals(h.engine.ctx.historyCalls, 0);
  assertEquals(h.host.callCounts()["append-history"], undefined);
});
