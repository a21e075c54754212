/**
 * Reducing the event log to per-WP state, and the derived `status.json` snapshot.
 *
 * Pure except {@link writeSnapshot}. The lane of a WP is the `to_lane` of its last lane event;
 * subtask marks and notes come from annotations. `status.json` is regenerated from the whole
 * log after every mutation (atomic rename), so it can never drift from the log for long.
 *
 * @module
 */
import { join } from "node:path";
import { isAnnotation, isLaneEvent, type StatusEvent } from "./events.ts";
import { prettyJson, writeAtomic } from "./json.ts";
import type { Identity } from "./mission.ts";
import { LANES } from "../domain/host.ts";
import { byCodeUnit } from "../core/order.ts";

/** The nine display lanes, in the order of `summary`. */
export const DISPLAY_LANES = LANES;

/** The reader's lane for a WP without any lane event. */
export const UNINITIALIZED = "uninitialized";

/** Reduced state of one WP. */
export interface WpState {
  /** `to_lane` of the last lane event, or `uninitialized`. */
  lane: string;
  /** Actor of the last lane event (the current holder). */
  actor: string | null;
  lastTransitionAt: string | null;
  lastEventId: string | null;
  forceCount: number;
  laneEventCount: number;
  subtasks: Record<string, string>;
  notes: string[];
  reviewResult: Record<string, unknown> | null;
}

function emptyState(): WpState {
  return {
    lane: UNINITIALIZED,
    actor: null,
    lastTransitionAt: null,
    lastEventId: null,
    forceCount: 0,
    laneEventCount: 0,
    subtasks: {},
    notes: [],
    reviewResult: null,
  };
}

/** Reduces the log to a state per WP id (only WPs that appear in the log). */
export function reduceEvents(events: readonly StatusEvent[]): Map<string, WpState> {
  const states = new Map<string, WpState>();
  const stateOf = (wpId: string): WpState => {
    let state = states.get(wpId);
    if (state === undefined) {
      state = emptyState();
      states.set(wpId, state);
    }
    return state;
  };
  for (const event of events) {
    if (isLaneEvent(event)) {
      const state = stateOf(event.wp_id);
      state.lane = event.to_lane;
      state.actor = event.actor;
      state.lastTransitionAt = event.at;
      state.lastEventId = event.event_id;
      state.laneEventCount++;
      if (event.force === true) state.forceCount++;
      if (event.review_result && typeof event.review_result === "object") state.reviewResult = event.review_result;
    } else if (isAnnotation(event)) {
      const state = stateOf(event.wp_id);
      const delta = event.delta ?? {};
      const subtasks = delta.subtasks;
      if (subtasks !== null && typeof subtasks === "object" && !Array.isArray(subtasks)) {
        for (const [id, status] of Object.entries(subtasks)) {
          if (typeof status === "string") state.subtasks[id] = status;
        }
      }
      if (typeof delta.note === "string") state.notes.push(delta.note);
    }
  }
  return states;
}

/** The lane of `wpId` (`uninitialized` when it has no lane event). */
export function laneOfWp(states: ReadonlyMap<string, WpState>, wpId: string): string {
  return states.get(wpId)?.lane ?? UNINITIALIZED;
}

/** The display lane: pre-lifecycle states (genesis, uninitialized) show as `planned`. */
export function displayLane(lane: string): string {
  return (DISPLAY_LANES as readonly string[]).includes(lane) ? lane : "planned";
}

/** Counts WPs with a lane event per display lane (WPs without events are not counted, like the real host). */
export function summarize(states: ReadonlyMap<string, WpState>): Record<string, number> {
  const summary: Record<string, number> = Object.fromEntries(DISPLAY_LANES.map((lane) => [lane, 0]));
  for (const state of states.values()) {
    if (state.laneEventCount > 0 && state.lane in summary) summary[state.lane] = (summary[state.lane] ?? 0) + 1;
  }
  return summary;
}

/** True when every id of `roster` is marked `done` (an empty roster is complete). */
export function subtasksComplete(state: WpState | undefined, roster: readonly string[]): boolean {
  return roster.every((id) => state?.subtasks[id] === "done");
}

/** Builds the `status.json` document for the log. */
export function buildSnapshot(identity: Identity, events: readonly StatusEvent[], materializedAt: string): unknown {
  const states = reduceEvents(events);
  const workPackages: Record<string, unknown> = {};
  for (const [wpId, state] of [...states.entries()].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (state.laneEventCount === 0) continue;
    const entry: Record<string, unknown> = {
      actor: state.actor,
      force_count: state.forceCount,
      lane: state.lane,
      last_event_id: state.lastEventId,
      last_transition_at: state.lastTransitionAt,
    };
    if (state.notes.length > 0) entry.notes = state.notes;
    if (state.reviewResult) entry.review_result = state.reviewResult;
    if (Object.keys(state.subtasks).length > 0) entry.subtasks = state.subtasks;
    workPackages[wpId] = entry;
  }
  const last = events.at(-1);
  return {
    event_count: events.length,
    last_event_id: typeof last?.event_id === "string" ? last.event_id : null,
    materialized_at: materializedAt,
    mission_number: identity.mission_number === null ? null : String(identity.mission_number),
    mission_slug: identity.mission_slug,
    mission_type: identity.mission_type,
    summary: summarize(states),
    work_packages: workPackages,
  };
}

/** Rewrites `status.json` in `dir` atomically from `events`. */
export async function writeSnapshot(
  dir: string,
  identity: Identity,
  events: readonly StatusEvent[],
  materializedAt: string,
): Promise<void> {
  await writeAtomic(join(dir, "status.json"), prettyJson(buildSnapshot(identity, events, materializedAt)));
}
