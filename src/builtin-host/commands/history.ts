/**
 * `append-history` (docs/host-contract.md §4.8): a note annotation in the event log, shown in the
 * WP's `notes` in `status.json`. No WP file edit, no commit.
 *
 * @module
 */
import { type ParsedOptions, req } from "../args.ts";
import { type HostContext, mutate } from "../context.ts";
import { nowIso } from "../envelope.ts";
import { randomHex } from "../../core/hex.ts";
import { newAnnotation } from "../events.ts";
import { HostFailure } from "../failure.ts";
import { findWp, loadMission } from "../mission.ts";

/** The note text the host stores: `- [<yyyy-mm-ddThh:mm:ssZ>] <actor>: <note>`. */
export function formatNote(at: Date, actor: string, note: string): string {
  return `- [${at.toISOString().slice(0, 19)}Z] ${actor}: ${note}`;
}

/** `append-history --mission M --wp WP --actor A --note N`. */
export async function appendHistory(ctx: HostContext, options: ParsedOptions): Promise<Record<string, unknown>> {
  const mission = await loadMission(ctx.root, req(options, "mission"));
  const wp = findWp(mission, req(options, "wp"));
  const actor = req(options, "actor");
  const note = req(options, "note");
  try {
    return await mutate(ctx, mission, () => {
      const now = ctx.clock();
      const event = newAnnotation(
        wp.wpId,
        actor,
        nowIso(() => now),
        { note: formatNote(now, actor, note) },
        mission.slug,
      );
      return Promise.resolve({
        events: [event],
        result: { ...mission.identity, wp_id: wp.wpId, history_entry_id: `hist-${randomHex(32)}` },
      });
    });
  } catch (error) {
    if (error instanceof HostFailure) throw error;
    throw new HostFailure(
      "HISTORY_COMMIT_FAILED",
      `Cannot append history for ${wp.wpId}: ${(error as Error).message}`,
      {
        ...mission.identity,
        wp_id: wp.wpId,
      },
    );
  }
}
