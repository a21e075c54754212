/**
 * Facts the engine reads from the mission on disk, best-effort: WP frontmatter tags (for
 * pipeline selection) and the lanes.json WP → lane map (a scheduling hint; the host remains
 * the authority and the per-workspace lock the guarantee).
 *
 * @module
 */
import { parse } from "yaml";

function frontmatter(markdown: string | null): Record<string, unknown> | null {
  if (markdown === null) return null;
  const lines = markdown.replace(/^\uFEFF/, "").split(/\r?\n/);
  if ((lines[0] ?? "").trim() !== "---") return null;
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (end < 0) return null;
  try {
    const front = parse(lines.slice(1, end).join("\n"), { schema: "core", maxAliasCount: 0 }) as unknown;
    return typeof front === "object" && front !== null ? front as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
}

/** The `tags` list of a WP's YAML frontmatter (strings only); empty when absent or unreadable. */
export function wpTags(markdown: string | null): string[] {
  return stringList(frontmatter(markdown)?.tags);
}

/** The paths a WP may write: frontmatter `owned_files` plus `create_intent` (empty when undeclared). */
export function wpOwnedPaths(markdown: string | null): string[] {
  const front = frontmatter(markdown);
  return [...stringList(front?.owned_files), ...stringList(front?.create_intent)];
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
