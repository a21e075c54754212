/**
 * The authoritative event log `kitty-specs/<m>/status.events.jsonl` (docs/host-contract.md §13).
 *
 * Writers serialize on an exclusive OS lock on `kitty-specs/<m>/.status.lock` and hold it for
 * the whole read-decide-append cycle, so concurrent mutating calls (parallel WPs, agents
 * marking subtasks) never interleave lines or decide on stale state. A batch of events is
 * appended with a single write. Lines are written with sorted keys, like the real host.
 *
 * @module
 */
import { join } from "node:path";
import { HostFailure } from "./failure.ts";
import { pyJson } from "./json.ts";
import { appendDurable, realFs } from "../store/atomic_write.ts";
import { ulid } from "./ulid.ts";

/** The event log file name. */
export const EVENTS_FILE = "status.events.jsonl";
/** The lock file name (ignored by git via the demo's .gitignore; harmless elsewhere). */
export const LOCK_FILE = ".status.lock";

/** A lane transition event. */
export interface LaneEvent {
  event_id: string;
  wp_id: string;
  from_lane: string;
  to_lane: string;
  at: string;
  actor: string;
  force: boolean;
  reason: string | null;
  execution_mode: string;
  review_ref: string | null;
  evidence: Record<string, unknown> | null;
  policy_metadata: Record<string, unknown> | null;
  review_result?: Record<string, unknown>;
  mission_slug: string;
  mission_id?: string;
}

/** A non-lane annotation (`delta.subtasks` from mark-status, `delta.note` from append-history). */
export interface AnnotationEvent {
  kind: "annotation";
  event_id: string;
  wp_id: string;
  at: string;
  actor: string;
  delta: Record<string, unknown>;
  mission_slug: string;
}

/** Any line of the log (lifecycle records and unknown shapes are kept as plain objects). */
export type StatusEvent = LaneEvent | AnnotationEvent | Record<string, unknown>;

/** True for a lane transition event. */
export function isLaneEvent(event: StatusEvent): event is LaneEvent {
  const e = event as Record<string, unknown>;
  return typeof e.wp_id === "string" && typeof e.to_lane === "string" && e.kind !== "annotation";
}

/** True for an annotation event. */
export function isAnnotation(event: StatusEvent): event is AnnotationEvent {
  const e = event as Record<string, unknown>;
  return e.kind === "annotation" && typeof e.wp_id === "string";
}

/** Fields of a new lane event; ids and optional fields are filled in by {@link newLaneEvent}. */
export interface LaneEventInput {
  wpId: string;
  from: string;
  to: string;
  at: string;
  actor: string;
  missionSlug: string;
  missionId?: string;
  force?: boolean;
  reason?: string | null;
  reviewRef?: string | null;
  evidence?: Record<string, unknown> | null;
  policy?: Record<string, unknown> | null;
  reviewResult?: Record<string, unknown> | null;
}

/** Builds a lane event with a fresh ULID. */
export function newLaneEvent(input: LaneEventInput): LaneEvent {
  const event: LaneEvent = {
    event_id: ulid(),
    wp_id: input.wpId,
    from_lane: input.from,
    to_lane: input.to,
    at: input.at,
    actor: input.actor,
    force: input.force ?? false,
    reason: input.reason ?? null,
    execution_mode: "worktree",
    review_ref: input.reviewRef ?? null,
    evidence: input.evidence ?? null,
    policy_metadata: input.policy ?? null,
    mission_slug: input.missionSlug,
  };
  if (input.reviewResult) event.review_result = input.reviewResult;
  if (input.missionId) event.mission_id = input.missionId;
  return event;
}

/** Builds an annotation event with a fresh ULID. */
export function newAnnotation(
  wpId: string,
  actor: string,
  at: string,
  delta: Record<string, unknown>,
  missionSlug: string,
): AnnotationEvent {
  return { kind: "annotation", event_id: ulid(), wp_id: wpId, at, actor, delta, mission_slug: missionSlug };
}

/**
 * Reads every event of the mission in `dir` (empty when the log does not exist).
 *
 * A torn last line (a writer killed mid-write) is ignored; a malformed line elsewhere fails.
 *
 * @throws {HostFailure} `STATUS_LOG_CORRUPT` for a malformed line that is not the last.
 */
export async function readEvents(dir: string): Promise<StatusEvent[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, EVENTS_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const lines = text.split("\n");
  const events: StatusEvent[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
      events.push(value as StatusEvent);
    } catch {
      if (index === lines.length - 1) continue; // torn final line without newline
      throw new HostFailure(
        "STATUS_LOG_CORRUPT",
        `Cannot read ${EVENTS_FILE} as every line must be a JSON object: line ${index + 1} is ${
          JSON.stringify(line.slice(0, 80))
        }`,
      );
    }
  }
  return events;
}

/**
 * Appends `events` in one write. The caller must hold the mission lock ({@link withMissionLock}).
 * A final line without newline left by a crashed writer is completed when it is whole JSON, and
 * cut off when it is a torn fragment, so the log stays one object per line.
 */
export async function appendEvents(dir: string, events: readonly StatusEvent[]): Promise<void> {
  if (events.length === 0) return;
  const path = join(dir, EVENTS_FILE);
  let prefix = "";
  let existing = "";
  try {
    existing = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (existing !== "" && !existing.endsWith("\n")) {
    const cut = existing.lastIndexOf("\n") + 1;
    try {
      JSON.parse(existing.slice(cut));
      prefix = "\n";
    } catch {
      await Deno.truncate(path, new TextEncoder().encode(existing.slice(0, cut)).length);
    }
  }
  const text = prefix + events.map((e) => pyJson(e)).join("\n") + "\n";
  // The event log is the source of truth of the lanes: durable before the call reports success.
  const length = (await Deno.stat(path).catch(() => null))?.size ?? 0;
  const file = await realFs.openAppend(path, 0o666);
  try {
    await appendDurable(file, path, text, { length, sync: true });
  } finally {
    file.close();
  }
}

/**
 * Runs `fn` while holding the exclusive lock of the mission in `dir`. The lock is an OS file
 * lock, released by the kernel if the process dies, so a crash never leaves it stuck.
 */
export async function withMissionLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(join(dir, LOCK_FILE), { read: true, write: true, create: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close(); // closing releases the lock
  }
}
