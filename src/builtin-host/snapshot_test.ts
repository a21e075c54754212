import { assertEquals } from "../../test/support/assert.ts";
import { newAnnotation, newLaneEvent, type StatusEvent } from "./events.ts";
import { buildSnapshot, displayLane, reduceEvents, subtasksComplete, summarize } from "./snapshot.ts";

const lane = (wpId: string, from: string, to: string, extra: Record<string, unknown> = {}): StatusEvent => ({
  ...newLaneEvent({ wpId, from, to, at: `at-${to}`, actor: "a", missionSlug: "m" }),
  ...extra,
});

Deno.test("reduceEvents() takes the last lane event, counts forces and collects marks and notes", () => {
  const events: StatusEvent[] = [
    lane("WP01", "genesis", "planned"),
    lane("WP01", "planned", "claimed", { actor: "x" }),
    newAnnotation("WP01", "a", "t", { subtasks: { T001: "done" } }, "m"),
    newAnnotation("WP01", "a", "t", { note: "- note" }, "m"),
    lane("WP01", "claimed", "in_progress", { force: true, review_result: { verdict: "approved" } }),
    { aggregate_type: "Mission", event_type: "MissionCreated" },
  ];
  const state = reduceEvents(events).get("WP01");
  assertEquals(state?.lane, "in_progress");
  assertEquals(state?.actor, "a");
  assertEquals(state?.forceCount, 1);
  assertEquals(state?.laneEventCount, 3);
  assertEquals(state?.subtasks, { T001: "done" });
  assertEquals(state?.notes, ["- note"]);
  assertEquals(state?.reviewResult, { verdict: "approved" });
});

Deno.test("summarize() counts only WPs with lane events", () => {
  const states = reduceEvents([lane("WP01", "genesis", "planned"), newAnnotation("WP02", "a", "t", {}, "m")]);
  assertEquals(summarize(states).planned, 1);
  assertEquals(displayLane("genesis"), "planned");
  assertEquals(displayLane("uninitialized"), "planned");
  assertEquals(displayLane("in_review"), "in_review");
});

Deno.test("subtasksComplete() needs every roster id done; an empty roster is complete", () => {
  const state = reduceEvents([newAnnotation("WP01", "a", "t", { subtasks: { T001: "done", T002: "pending" } }, "m")])
    .get("WP01");
  assertEquals(subtasksComplete(state, []), true);
  assertEquals(subtasksComplete(state, ["T001"]), true);
  assertEquals(subtasksComplete(state, ["T001", "T002"]), false);
  assertEquals(subtasksComplete(undefined, ["T001"]), false);
});

Deno.test("buildSnapshot() has the status.json fields of the host", () => {
  const events = [lane("WP01", "genesis", "planned")];
  const snap = buildSnapshot(
    { mission_slug: "m", mission_number: 1, mission_type: "software-dev" },
    events,
    "now",
  ) as Record<string, unknown>;
  assertEquals(Object.keys(snap), [
    "event_count",
    "last_event_id",
    "materialized_at",
    "mission_number",
    "mission_slug",
    "mission_type",
    "summary",
    "work_packages",
  ]);
  assertEquals(snap.mission_number, "1");
  assertEquals(snap.work_packages, {
    WP01: {
      actor: "a",
      force_count: 0,
      lane: "planned",
      last_event_id: events[0]?.event_id,
      last_transition_at: "at-planned",
    },
  });
});
