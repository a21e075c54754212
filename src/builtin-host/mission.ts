/**
 * Reading a mission directory (docs/host-contract.md §13): `meta.json`, the WP prompt files under
 * `tasks/` with their YAML frontmatter, and `lanes.json` when present.
 *
 * Handles come from the command line and WP ids from file names, so both are checked before
 * they are used in a path: unlike the real host (which crashes with a traceback), a traversal
 * attempt is a clean `USAGE_ERROR` envelope and touches nothing.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { HostFailure } from "./failure.ts";

/** The identity block that starts every mission payload. */
export interface Identity {
  mission_slug: string;
  mission_number: number | null;
  mission_type: string;
}

/** One WP prompt file. */
export interface WpFile {
  wpId: string;
  /** Absolute path of the markdown file. */
  path: string;
  fileName: string;
  title: string;
  dependencies: string[];
  subtasks: string[];
  tags: string[];
  ownedFiles: string[];
  frontmatter: Record<string, unknown>;
  /** The markdown after the frontmatter. */
  body: string;
}

/** One lane of `lanes.json`. */
export interface LaneSpec {
  laneId: string;
  wpIds: string[];
  dependsOnLanes: string[];
}

/** A loaded mission. */
export interface Mission {
  root: string;
  slug: string;
  /** Absolute path of `kitty-specs/<slug>`. */
  dir: string;
  meta: Record<string, unknown>;
  identity: Identity;
  /** WP files sorted by file name. */
  wps: WpFile[];
  lanes: LaneSpec[] | null;
  /** Why lanes.json could not be used although it exists (invalid JSON or shape), else null. */
  lanesError: string | null;
}

const WP_FILE_RE = /^(WP[0-9]+)(?:-.*)?\.md$/;

/**
 * Refuses values that could escape their directory.
 *
 * @throws {HostFailure} `USAGE_ERROR` when `value` is empty or contains `..`, `/`, `\` or NUL.
 */
export function assertSafeSegment(value: string, flag: string): string {
  if (value === "" || value.includes("..") || /[/\\\0]/.test(value)) {
    throw new HostFailure(
      "USAGE_ERROR",
      `Not a safe path segment for ${flag}: ${JSON.stringify(value)} — value must not be empty or contain ` +
        `'..', '/' or '\\' (traversal guard).`,
    );
  }
  return value;
}

async function readJsonObject(path: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return null;
  }
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : null;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Resolves a `--mission` handle to a directory slug: the slug itself, the full `mission_id`, or
 * its first 8 characters (mid8).
 *
 * @throws {HostFailure} `USAGE_ERROR` on traversal, `MISSION_NOT_FOUND` when nothing (or more than one) matches.
 */
export async function resolveMissionSlug(root: string, handle: string): Promise<string> {
  assertSafeSegment(handle, "--mission");
  const specs = join(root, "kitty-specs");
  if (await isDir(join(specs, handle))) return handle;
  const matches: string[] = [];
  if (/^[0-9A-Za-z]{8}([0-9A-Za-z]{18})?$/.test(handle)) {
    try {
      for await (const entry of Deno.readDir(specs)) {
        if (!entry.isDirectory) continue;
        const meta = await readJsonObject(join(specs, entry.name, "meta.json")).catch(() => null);
        const id = typeof meta?.mission_id === "string" ? meta.mission_id.toUpperCase() : "";
        const wanted = handle.toUpperCase();
        if (id !== "" && (id === wanted || (wanted.length === 8 && id.startsWith(wanted)))) matches.push(entry.name);
      }
    } catch {
      // No kitty-specs directory: not found below.
    }
  }
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) {
    throw new HostFailure(
      "MISSION_NOT_FOUND",
      `Mission '${handle}' is ambiguous in kitty-specs/: matches ${matches.sort().join(", ")}`,
    );
  }
  throw new HostFailure("MISSION_NOT_FOUND", `Mission '${handle}' not found in kitty-specs/`);
}

/** The identity block from meta.json (`"001"` → 1; missing → null / ""). */
export function identityOf(slug: string, meta: Record<string, unknown>): Identity {
  const raw = meta.mission_number;
  let number: number | null = null;
  if (typeof raw === "number" && Number.isInteger(raw)) number = raw;
  if (typeof raw === "string" && /^[0-9]+$/.test(raw)) number = Number.parseInt(raw, 10);
  return {
    mission_slug: slug,
    mission_number: number,
    mission_type: typeof meta.mission_type === "string" ? meta.mission_type : "",
  };
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v) => typeof v === "string" || typeof v === "number").map((v) => String(v).trim());
}

/**
 * Splits a WP markdown file into frontmatter and body.
 *
 * @throws {HostFailure} `INVALID_WP_FRONTMATTER` when the YAML does not parse to a mapping.
 */
export function parseWpFile(path: string, fileName: string, wpId: string, text: string): WpFile {
  const normalized = text.replace(/\r\n/g, "\n");
  let frontmatter: Record<string, unknown> = {};
  let body = normalized;
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalized);
  if (match) {
    body = normalized.slice(match[0].length);
    let parsed: unknown;
    try {
      parsed = parseYaml(match[1] ?? "");
    } catch (error) {
      throw new HostFailure(
        "INVALID_WP_FRONTMATTER",
        `Cannot read ${fileName} as its frontmatter must be valid YAML: ${(error as Error).message.split("\n")[0]}`,
      );
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new HostFailure("INVALID_WP_FRONTMATTER", `Cannot read ${fileName} as its frontmatter must be a mapping`);
      }
      frontmatter = parsed as Record<string, unknown>;
    }
  }
  return {
    wpId,
    path,
    fileName,
    title: typeof frontmatter.title === "string" ? frontmatter.title : wpId,
    dependencies: stringList(frontmatter.dependencies).filter((d) => /^WP[0-9]+$/.test(d)),
    subtasks: stringList(frontmatter.subtasks),
    tags: stringList(frontmatter.tags),
    ownedFiles: stringList(frontmatter.owned_files),
    frontmatter,
    body,
  };
}

function parseLanes(raw: Record<string, unknown> | null): LaneSpec[] | null {
  if (raw === null || !Array.isArray(raw.lanes)) return null;
  const lanes: LaneSpec[] = [];
  for (const lane of raw.lanes) {
    if (lane === null || typeof lane !== "object") continue;
    const l = lane as Record<string, unknown>;
    if (typeof l.lane_id !== "string") continue;
    lanes.push({ laneId: l.lane_id, wpIds: stringList(l.wp_ids), dependsOnLanes: stringList(l.depends_on_lanes) });
  }
  return lanes;
}

/**
 * Loads a mission by handle.
 *
 * @throws {HostFailure} `USAGE_ERROR` (traversal), `MISSION_NOT_FOUND`, `INVALID_WP_FRONTMATTER`.
 */
export async function loadMission(root: string, handle: string): Promise<Mission> {
  const slug = await resolveMissionSlug(root, handle);
  const dir = join(root, "kitty-specs", slug);
  const meta = await readJsonObject(join(dir, "meta.json")).catch(() => null) ?? {};
  const wps: WpFile[] = [];
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(dir, "tasks"))) {
      if (entry.isFile && WP_FILE_RE.test(entry.name)) names.push(entry.name);
    }
  } catch {
    // No tasks directory: a mission without WPs.
  }
  const seen = new Set<string>();
  for (const name of names.sort()) {
    const wpId = WP_FILE_RE.exec(name)?.[1] ?? "";
    if (seen.has(wpId)) continue; // first file name wins, like the real host's sorted glob
    seen.add(wpId);
    const path = join(dir, "tasks", name);
    wps.push(parseWpFile(path, name, wpId, await Deno.readTextFile(path)));
  }
  let lanes: LaneSpec[] | null = null;
  let lanesError: string | null = null;
  try {
    const raw = await readJsonObject(join(dir, "lanes.json"));
    lanes = parseLanes(raw);
    if (raw !== null && lanes === null) lanesError = "lanes.json has no 'lanes' list";
  } catch (error) {
    lanesError = `lanes.json is not valid JSON: ${(error as Error).message}`;
  }
  return { root, slug, dir, meta, identity: identityOf(slug, meta), wps, lanes, lanesError };
}

/**
 * The WP file for `wpId`.
 *
 * @throws {HostFailure} `USAGE_ERROR` on traversal, `WP_NOT_FOUND` when no file matches.
 */
export function findWp(mission: Mission, wpId: string): WpFile {
  assertSafeSegment(wpId, "--wp");
  const wp = mission.wps.find((w) => w.wpId === wpId);
  if (wp === undefined) throw new HostFailure("WP_NOT_FOUND", `Work package '${wpId}' not found in ${mission.slug}`);
  return wp;
}

/** The lane of `lanes.json` holding `wpId`, or null (legacy / no lane). */
export function laneOf(mission: Mission, wpId: string): LaneSpec | null {
  return mission.lanes?.find((lane) => lane.wpIds.includes(wpId)) ?? null;
}

/** The branch lanes are parented on: the coordination branch when declared, else the target branch. */
export function laneBaseRef(mission: Mission): string {
  const coord = mission.meta.coordination_branch;
  if (typeof coord === "string" && coord !== "") return coord;
  const target = mission.meta.target_branch;
  return typeof target === "string" && target !== "" ? target : "main";
}
