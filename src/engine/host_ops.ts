/**
 * Mutating host calls made safe to repeat (at-least-once): a transport failure is reconciled
 * by re-reading `mission-state` before anything is repeated, never blindly retried.
 *
 * @module
 */
import { HostTransportError } from "../domain/host_errors.ts";
import type { Lane } from "../domain/host.ts";
import type { EngineContext } from "./context.ts";

/** The call failed in transport but the host shows the intended lane: it was applied. */
export const RECONCILED = Symbol("reconciled");

/**
 * Runs a mutating call that should leave `wpId` in `intended`.
 *
 * - success → its result;
 * - transport error → re-read; if the lane is `intended` → {@link RECONCILED}; else one more
 *   try (whose failure propagates);
 * - host error envelope → propagates (callers decide by code).
 *
 * The run state is saved before the call (what we were about to do survives a crash) and after
 * it succeeds.
 */
export async function mutate<T>(
  ctx: EngineContext,
  wpId: string,
  intended: Lane,
  call: () => Promise<T>,
): Promise<T | typeof RECONCILED> {
  await ctx.save();
  const result = await attempt(ctx, wpId, intended, call);
  await ctx.save();
  return result;
}

async function attempt<T>(
  ctx: EngineContext,
  wpId: string,
  intended: Lane,
  call: () => Promise<T>,
): Promise<T | typeof RECONCILED> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof HostTransportError)) throw error;
    ctx.emit({
      type: "warning",
      wp_id: wpId,
      message: `host ${error.command} failed in transport (${error.kind}); re-reading mission state to reconcile`,
    });
    // A read already in flight may predate the failed call: reconcile on one sent after it.
    const ms = await ctx.refresh({ fresh: true });
    const lane = ms.workPackages.find((w) => w.wpId === wpId)?.lane ?? null;
    if (lane === intended) return RECONCILED;
    return await call();
  }
}
