/**
 * Reads the subtask marks the host recorded for a WP from its status event log (docs/host-contract.md
 * §13), so the engine can check them itself (the host's gate can fail open, weakness 30).
 *
 * The log lives in the primary checkout (flat missions) or in the coordination worktree
 * `.worktrees/<mission>-coord` (coordination missions). The copy with the most lane events for the
 * WP is the live one. Anything unreadable gives null: the check is then skipped, never guessed.
 *
 * @module
 */
import { join } from "node:path";
import { readEvents } from "../builtin-host/events.ts";
import { reduceEvents } from "../builtin-host/snapshot.ts";
import { checkboxMarks } from "../builtin-host/emulate.ts";
import { type EraProfile, ERAS } from "../host/era.ts";

/**
 * Subtask id → status for `wpId`, or null when no log with lane events for it can be read.
 * Before contract 1.3 (`era.subtaskSource` checkboxes) the marks are the `- [x] T001` rows of
 * the WP's section of `tasks.md` in the primary checkout, which is what those hosts gate on.
 */
export async function readSubtaskMarks(
  repoRoot: string,
  mission: string,
  wpId: string,
  era: EraProfile = ERAS["1.3"],
): Promise<Record<string, string> | null> {
  if (era.subtaskSource === "checkboxes") {
    try {
      return checkboxMarks(await Deno.readTextFile(join(repoRoot, "kitty-specs", mission, "tasks.md")), wpId, era);
    } catch {
      return null;
    }
  }
  const dirs = [
    join(repoRoot, ".worktrees", `${mission}-coord`, "kitty-specs", mission),
    join(repoRoot, "kitty-specs", mission),
  ];
  let best: { count: number; subtasks: Record<string, string> } | null = null;
  for (const dir of dirs) {
    try {
      const state = reduceEvents(await readEvents(dir)).get(wpId);
      if (state === undefined || state.laneEventCount === 0) continue;
      if (best === null || state.laneEventCount > best.count) {
        best = { count: state.laneEventCount, subtasks: { ...state.subtasks } };
      }
    } catch {
      // Unreadable copy: ignore it.
    }
  }
  return best?.subtasks ?? null;
}
