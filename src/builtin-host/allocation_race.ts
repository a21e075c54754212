/**
 * A test mode of the built-in host that behaves like the real host under concurrent lane
 * allocation. The real `start-implementation` creates the mission and lane branches without a
 * lock, so a second call for the same mission that arrives while the first is still allocating
 * fails with `LANE_ALLOCATION_FAILED` ("cannot lock ref ... reference already exists"). The
 * built-in host normally serialises allocation under its mission lock, so it could never show
 * that race; with {@link ALLOCATION_RACE_ENV} set to a number of milliseconds it instead:
 *
 * - marks the mission as "allocating" (an exclusive marker file under `.worktrees/`) before it
 *   takes the mission lock, and holds the mark for at least that long (the real host's
 *   allocation takes seconds: git branch and worktree creation, dependency merges);
 * - refuses a `start-implementation` of a lane WP of the same mission that arrives while the mark
 *   is held, with the real host's error code and message.
 *
 * Off unless the variable is set; meant for tests (`test/e2e/allocation_race_test.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { LANE_ALLOCATION_FIELD } from "../domain/host.ts";
import { HostFailure } from "./failure.ts";
import { laneBaseRef, laneOf, type Mission } from "./mission.ts";

/** Environment variable enabling the mode: how long (ms) one allocation holds the mission. */
export const ALLOCATION_RACE_ENV = "SKO_BUILTIN_ALLOCATION_RACE_MS";

/** A mark older than its hold plus this is left over from a killed call and is taken over. */
const STALE_GRACE_MS = 30_000;

/** The hold of the mode in ms, or null when the mode is off (unset, empty, not a positive integer). */
export function raceHoldMs(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  const ms = Number.parseInt(raw.trim(), 10);
  return ms > 0 ? ms : null;
}

/**
 * What `contract-version` adds to its answer: that this host allocates one mission's lanes one
 * at a time itself (under its mission lock), so the orchestrator need not; nothing in the race
 * mode, which refuses concurrent allocations as the real host does.
 */
export function allocationDeclaration(raw: string | undefined): Record<string, string> {
  return raceHoldMs(raw) === null ? { [LANE_ALLOCATION_FIELD]: "serialized" } : {};
}

/** The failure the real host (3.2.6rc3) answers a concurrent allocation of a fresh mission with. */
export function concurrentAllocationFailure(mission: Mission, wpId: string): HostFailure {
  const branch = `kitty/mission-${mission.slug}`;
  const reason = `Failed to create mission branch ${branch} from ${laneBaseRef(mission)}: ` +
    `fatal: cannot lock ref 'refs/heads/${branch}': reference already exists`;
  return new HostFailure("LANE_ALLOCATION_FAILED", reason, { ...mission.identity, wp_id: wpId, reason });
}

function markerPath(mission: Mission): string {
  return join(mission.root, ".worktrees", `.allocating-${mission.slug}`);
}

async function claim(path: string, holdMs: number, now: () => number): Promise<boolean> {
  try {
    const file = await Deno.open(path, { write: true, createNew: true });
    try {
      await file.write(new TextEncoder().encode(String(now() + holdMs)));
    } finally {
      file.close();
    }
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return false;
  }
}

async function isStale(path: string, holdMs: number, now: () => number): Promise<boolean> {
  try {
    const until = Number.parseInt(await Deno.readTextFile(path), 10);
    if (Number.isFinite(until)) return now() > until + STALE_GRACE_MS;
    const info = await Deno.stat(path);
    return now() > (info.mtime?.getTime() ?? 0) + holdMs + STALE_GRACE_MS;
  } catch {
    return true;
  }
}

/**
 * Runs `allocate` (the whole `start-implementation` of `wpId`) as the real host would under
 * concurrency when the mode is on (`holdMs` not null) and the WP belongs to a lane; otherwise
 * just runs it.
 *
 * @throws {HostFailure} `LANE_ALLOCATION_FAILED` when another allocation of the mission holds the mark.
 */
export async function withAllocationRace<T>(
  mission: Mission,
  wpId: string,
  holdMs: number | null,
  allocate: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  if (holdMs === null || laneOf(mission, wpId) === null) return await allocate();
  const path = markerPath(mission);
  await Deno.mkdir(join(mission.root, ".worktrees"), { recursive: true });
  let claimed = await claim(path, holdMs, now);
  if (!claimed && await isStale(path, holdMs, now)) {
    await Deno.remove(path).catch(() => {});
    claimed = await claim(path, holdMs, now);
  }
  if (!claimed) throw concurrentAllocationFailure(mission, wpId);
  const started = now();
  try {
    const result = await allocate();
    const left = started + holdMs - now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    return result;
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
