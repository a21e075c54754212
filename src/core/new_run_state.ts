/**
 * A new run: its id and its initial state (persisted by `store/run_state.ts`).
 *
 * @module
 */
import type { PolicyMetadata } from "../domain/host.ts";
import { VERSION } from "../domain/version.ts";
import { type RunFlags, type RunState, STATE_SCHEMA_VERSION } from "../domain/run_state.ts";
import { randomHex } from "./hex.ts";

/** Input of {@link newRunState}. */
export interface NewRunStateInput {
  runId: string;
  mission: string;
  actor: string;
  policy: PolicyMetadata;
  flags: RunFlags;
  /** @default new Date() */
  now?: Date;
}

/** A fresh state for a new run (seq 0; the first save writes seq 1). */
export function newRunState(input: NewRunStateInput): RunState {
  const at = (input.now ?? new Date()).toISOString();
  return {
    schema_version: STATE_SCHEMA_VERSION,
    written_by: VERSION,
    seq: 0,
    run_id: input.runId,
    mission: input.mission,
    actor: input.actor,
    started_at: at,
    updated_at: at,
    status: "running",
    resume_count: 0,
    flags: { ...input.flags },
    policy: { ...input.policy, dangerous_flags: [...input.policy.dangerous_flags] },
    wps: {},
    running: [],
    created: { worktrees: [], branches: [] },
  };
}

/** Flags with nothing overridden. */
export function emptyRunFlags(): RunFlags {
  return { impl_agent: null, review_agent: null, max_concurrent: null, pipeline: null, host: null, config: null };
}

/** The shape of run ids: UTC timestamp, `-`, random hex. Sorting them sorts by start time. */
export const RUN_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$/;

/** A new sortable run id, e.g. `20261121T103000Z-4f2a`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.[0-9]+Z$/, "Z");
  return `${stamp}-${randomHex(4)}`;
}
