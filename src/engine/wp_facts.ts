/**
 * Facts the engine reads from the mission on disk, best-effort: WP frontmatter tags (for
 * pipeline selection) and the lanes.json WP → lane map (a scheduling hint; the host remains
 * the authority and the per-workspace lock the guarantee).
 *
 * @module
 */
import { join } from "node:path";
import { parse } from "yaml";

/** The `tags` list of a WP's YAML frontmatter (strings only); empty when absent or unreadable. */
export function wpTags(markdown: string | null): string[] {
  if (markdown === null) return [];
  const lines = markdown.replace(/^\uFEFF/, "").split(/\r?\n/);
  if ((lines[0] ?? "").trim() !== "---") return [];
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (end < 0) return [];
  try {
    const front = parse(lines.slice(1, end).join("\n"), { schema: "core", maxAliasCount: 0 }) as unknown;
    if (typeof front !== "object" || front === null) return [];
    const tags = (front as Record<string, unknown>).tags;
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

/** Parses lanes.json text into WP id → lane id; empty on any problem. */
export function parseLaneHints(text: string): Map<string, string> {
  const hints = new Map<string, string>();
  try {
    const doc = JSON.parse(text) as { lanes?: unknown };
    if (!Array.isArray(doc.lanes)) return hints;
    for (const lane of doc.lanes) {
      if (typeof lane !== "object" || lane === null) continue;
      const { lane_id: laneId, wp_ids: wpIds } = lane as { lane_id?: unknown; wp_ids?: unknown };
      if (typeof laneId !== "string" || !Array.isArray(wpIds)) continue;
      for (const wp of wpIds) if (typeof wp === "string") hints.set(wp, laneId);
    }
  } catch {
    // A hint only: no lanes.json means no hints.
  }
  return hints;
}

/** Reads `kitty-specs/<mission>/lanes.json` as hints (empty when missing or invalid). */
export async function readLaneHints(repoRoot: string, mission: string): Promise<Map<string, string>> {
  try {
    return parseLaneHints(await Deno.readTextFile(join(repoRoot, "kitty-specs", mission, "lanes.json")));
  } catch {
    return new Map();
  }
}
