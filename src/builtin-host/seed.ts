/**
 * What spec-kitty's `finalize-tasks` leaves for the status machine in a mission directory: one
 * `genesis → planned` event per finalized WP ("canonical bootstrap") in `status.events.jsonl`,
 * and the `status.json` snapshot materialised from them. The demo mission (`init --demo`) and
 * the test fixtures write these instead of running finalize-tasks; one home keeps their files
 * byte-compatible with what the host itself writes.
 *
 * @module
 */
import { type LaneEvent, newLaneEvent } from "./events.ts";
import { prettyJson, pyJson } from "./json.ts";
import { identityOf } from "./mission.ts";
import { buildSnapshot } from "./snapshot.ts";

/** The bootstrap events of `wpIds` (finalize-tasks' own actor and reason), stamped `at`. */
export function bootstrapEvents(mission: string, wpIds: readonly string[], at: string): LaneEvent[] {
  return wpIds.map((wpId) =>
    newLaneEvent({
      wpId,
      from: "genesis",
      to: "planned",
      at,
      actor: "finalize-tasks",
      missionSlug: mission,
      reason: "canonical bootstrap",
    })
  );
}

/** `status.events.jsonl` text: one Python-style JSON line per event. */
export function eventsJsonl(events: readonly LaneEvent[]): string {
  return events.map((e) => pyJson(e)).join("\n") + "\n";
}

/** The two status files of a freshly finalized mission (`meta` is its meta.json). */
export function seededStatusFiles(
  mission: string,
  meta: Record<string, unknown>,
  wpIds: readonly string[],
  at: string,
): { events: string; snapshot: string } {
  const events = bootstrapEvents(mission, wpIds, at);
  return { events: eventsJsonl(events), snapshot: prettyJson(buildSnapshot(identityOf(mission, meta), events, at)) };
}
