/**
 * What every subcommand receives, and the shared read/commit steps of mutating calls.
 *
 * Mutating subcommands run {@link mutate}: take the mission lock, read the log, let the
 * handler validate everything and return the events to append, then append them in one write
 * and rewrite `status.json`. A handler that throws leaves the log untouched.
 *
 * @module
 */
import type { ParsedOptions } from "./args.ts";
import { type EraProfile, ERAS } from "../host/era.ts";
import { nowIso } from "./envelope.ts";
import { appendEvents, readEvents, type StatusEvent, withMissionLock } from "./events.ts";
import type { Mission } from "./mission.ts";
import { reduceEvents, type WpState, writeSnapshot } from "./snapshot.ts";
import { byCodeUnit } from "../core/order.ts";

/** The environment of one host call. */
export interface HostContext {
  /** The project root (main checkout). */
  root: string;
  /** Clock, replaced in tests. */
  clock: () => Date;
  /** The host era answered as (see `emulate.ts`). @default contract 1.3 */
  era?: EraProfile;
}

/** The era `ctx` answers as. */
export function eraOf(ctx: HostContext): EraProfile {
  return ctx.era ?? ERAS["1.3"];
}

/** A subcommand implementation: returns the success `data` or throws a `HostFailure`. */
export type Handler = (ctx: HostContext, options: ParsedOptions) => Promise<Record<string, unknown>>;

/** The current log and its reduction. */
export interface MissionLog {
  events: StatusEvent[];
  states: Map<string, WpState>;
}

/** Reads and reduces the mission's log. */
export async function readLog(mission: Mission): Promise<MissionLog> {
  const events = await readEvents(mission.dir);
  return { events, states: reduceEvents(events) };
}

/** What a mutating handler returns: events to append and the response data. */
export interface Mutation<T> {
  events: StatusEvent[];
  result: T;
}

/**
 * Runs `decide` under the mission lock, appends its events and rewrites `status.json`.
 * Nothing is written when `decide` throws.
 */
export async function mutate<T>(
  ctx: HostContext,
  mission: Mission,
  decide: (log: MissionLog) => Promise<Mutation<T>>,
): Promise<T> {
  return await withMissionLock(mission.dir, async () => {
    const log = await readLog(mission);
    const { events, result } = await decide(log);
    if (events.length > 0) {
      await appendEvents(mission.dir, events);
      // status.json is derived and rebuilt on every mutation: failing to write it must not turn
      // an applied change into a reported failure (the caller would see an ambiguous error).
      await writeSnapshot(mission.dir, mission.identity, [...log.events, ...events], nowIso(ctx.clock)).catch(() => {});
    }
    return result;
  });
}

/** The WP ids that are approved or done in `states`. */
export function satisfiedWps(states: ReadonlyMap<string, WpState>): Set<string> {
  return new Set([...states.entries()].filter(([, s]) => s.lane === "approved" || s.lane === "done").map(([id]) => id));
}

/** Compares WP ids by their number (`WP2` < `WP10`). */
export function compareWpIds(a: string, b: string): number {
  const na = Number.parseInt(a.replace(/^WP/, ""), 10);
  const nb = Number.parseInt(b.replace(/^WP/, ""), 10);
  return na !== nb && !Number.isNaN(na) && !Number.isNaN(nb) ? na - nb : byCodeUnit(a, b);
}

/** Every WP of the mission: task files ∪ dependency targets ∪ WPs in the log, sorted. */
export function allWpIds(mission: Mission, states: ReadonlyMap<string, WpState>): string[] {
  const ids = new Set<string>();
  for (const wp of mission.wps) {
    ids.add(wp.wpId);
    for (const dep of wp.dependencies) ids.add(dep);
  }
  for (const id of states.keys()) ids.add(id);
  return [...ids].sort(compareWpIds);
}
