/**
 * ULIDs for event ids (26 Crockford base32 characters: 48-bit milliseconds + 80 random bits),
 * monotonic within a process so two events of one batch sort in emission order: the `ulid`
 * package's monotonic factory (the reference implementation of the spec), not our own encoder.
 *
 * @module
 */
import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** A new ULID for `time` (ms since epoch); later than every ULID made before in this process. */
export function ulid(time: number = Date.now()): string {
  return next(time);
}
