import { assertEquals } from "../../test/support/assert.ts";
import { reduceEvents } from "./snapshot.ts";
import { bootstrapEvents, eventsJsonl, seededStatusFiles } from "./seed.ts";

const AT = "2026-11-21T00:00:00.000000+00:00";

Deno.test("bootstrapEvents() seeds one genesis → planned event per WP, as finalize-tasks writes it", () => {
  const events = bootstrapEvents("001-demo", ["WP01", "WP02"], AT);
  assertEquals(events.map((e) => [e.wp_id, e.from_lane, e.to_lane, e.actor, e.reason, e.at]), [
    ["WP01", "genesis", "planned", "finalize-tasks", "canonical bootstrap", AT],
    ["WP02", "genesis", "planned", "finalize-tasks", "canonical bootstrap", AT],
  ]);
  const lines = eventsJsonl(events).split("\n");
  assertEquals(lines.length, 3, "one line per event and a final newline");
  assertEquals(lines.slice(0, 2).map((l) => JSON.parse(l).event_id), events.map((e) => e.event_id));
  assertEquals(lines[0]!.includes(`"actor": "finalize-tasks"`), true, "Python's separators");
});

Deno.test("seededStatusFiles(): the event log and the snapshot agree (every WP planned)", () => {
  const { events, snapshot } = seededStatusFiles("001-demo", { mission_number: 1 }, ["WP01", "WP02", "WP03"], AT);
  const parsed = events.trim().split("\n").map((l) => JSON.parse(l));
  const lanes = reduceEvents(parsed);
  assertEquals([...lanes.keys()].sort(), ["WP01", "WP02", "WP03"]);
  const snap = JSON.parse(snapshot);
  assertEquals(snap.event_count, 3);
  assertEquals(snap.summary.planned, 3);
  assertEquals(Object.values(snap.work_packages).map((wp) => (wp as { lane: string }).lane), [
    "planned",
    "planned",
    "planned",
  ]);
});
