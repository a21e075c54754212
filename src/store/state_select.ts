/**
 * Finding the run state to work on when the user did not name a mission.
 *
 * Each mission has its own state file (`.kittify/orchestrator-run-state.<mission>.json`), so two
 * missions can run at once in one repository. `status`, `resume` and `abort` take `--mission`;
 * without it they use the only state there is, or the only unfinished one, and otherwise ask.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../domain/errors.ts";
import { isValidMissionSlug } from "../domain/ids.ts";
import { JOURNAL_SUFFIX, stateNotAFileError } from "./run_state.ts";
import { byCodeUnit } from "../core/order.ts";

/** One per-mission state file. */
export interface RunStateFile {
  mission: string;
  path: string;
  mtimeMs: number;
  /** The `status` field when the file parses, else null (a damaged file still counts: it needs attention). */
  status: string | null;
}

const STATE_NAME = /^orchestrator-run-state\.(.+)\.json$/;
/** Archived generations (`--fresh`, a finished run replaced) are not states of a mission. */
const ARCHIVE_SUFFIX = /\.(fresh|prev|corrupt)-[A-Za-z0-9._-]+$/;

/** Lists the per-mission state files under `<repo>/.kittify/`, newest first. */
export async function listRunStateFiles(repoRoot: string): Promise<RunStateFile[]> {
  const dir = join(repoRoot, ".kittify");
  const found: RunStateFile[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = STATE_NAME.exec(entry.name);
      const mission = match?.[1];
      if (mission === undefined || ARCHIVE_SUFFIX.test(mission) || !isValidMissionSlug(mission)) continue;
      const path = join(dir, entry.name);
      // A directory where a state file belongs is reported, never taken for "no run state".
      if (!entry.isFile && !(entry.isSymlink && (await Deno.stat(path).catch(() => null))?.isFile)) {
        throw stateNotAFileError(path);
      }
      const info = await Deno.stat(path);
      // A running state changes in its journal; the snapshot's own status is always current
      // (a status change away from running writes a snapshot).
      const journal = await Deno.stat(path + JOURNAL_SUFFIX).catch(() => null);
      const mtimeMs = Math.max(info.mtime?.getTime() ?? 0, journal?.mtime?.getTime() ?? 0);
      found.push({ mission, path, mtimeMs, status: await readStatus(path) });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs || byCodeUnit(a.mission, b.mission));
}

async function readStatus(path: string): Promise<string | null> {
  try {
    const doc = JSON.parse(await Deno.readTextFile(path));
    return typeof doc?.status === "string" ? doc.status : null;
  } catch {
    return null;
  }
}

/**
 * Pure choice of the mission whose state a command works on.
 *
 * - a mission given explicitly wins;
 * - `status` shows the newest state;
 * - `resume`/`abort` take the only state, else the only unfinished one, else ask for `--mission`.
 *
 * @throws {UserError} when several missions qualify and the command must not guess.
 */
export function chooseStateMission(
  files: readonly RunStateFile[],
  explicit: string | undefined,
  command: "status" | "resume" | "abort",
): string | null {
  if (explicit !== undefined) return explicit;
  if (files.length === 0) return null;
  if (files.length === 1 || command === "status") return files[0]?.mission ?? null;
  const unfinished = files.filter((f) => f.status !== "finished");
  if (unfinished.length === 1) return unfinished[0]?.mission ?? null;
  const names = (unfinished.length > 0 ? unfinished : files).map((f) => `${f.mission} (${f.status ?? "unreadable"})`);
  throw new UserError(
    `Cannot choose which run to ${command} as several missions have run state: ${names.join(", ")}`,
    { fix: `Pass --mission <slug>, e.g. spec-kitty-orchestrator ${command} --mission ${files[0]?.mission}` },
  );
}

/** Lists the state files and applies {@link chooseStateMission}. */
export async function selectStateMission(
  repoRoot: string,
  explicit: string | undefined,
  command: "status" | "resume" | "abort",
): Promise<string | null> {
  return chooseStateMission(await listRunStateFiles(repoRoot), explicit, command);
}
