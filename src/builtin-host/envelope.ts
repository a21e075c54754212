/**
 * The response envelope of the host contract (docs/host-contract.md §2), byte-compatible with the
 * real host: seven keys in a fixed order, Python-style `", "`/`": "` separators, a microsecond
 * UTC timestamp ending in `+00:00` and a fresh `corr-` id.
 *
 * @module
 */
import { pyJson } from "./json.ts";
import { randomHex } from "../core/hex.ts";

/** The contract version this host implements. */
export const CONTRACT_VERSION = "1.3.0";
/** The oldest provider version this host accepts. */
export const MIN_PROVIDER_VERSION = "0.1.0";

/** One envelope, keys in wire order. */
export interface Envelope {
  contract_version: string;
  command: string;
  timestamp: string;
  correlation_id: string;
  success: boolean;
  error_code: string | null;
  data: Record<string, unknown>;
}

/** Formats a date like Python's `datetime.isoformat()` for an aware UTC time (microseconds, `+00:00`). */
export function isoUtc(date: Date, micros = 0): string {
  const base = date.toISOString().slice(0, 23); // yyyy-mm-ddThh:mm:ss.mmm
  return `${base}${String(micros % 1000).padStart(3, "0")}+00:00`;
}

/** The current time in the host's format; the sub-millisecond digits come from the monotonic clock. */
export function nowIso(clock: () => Date = () => new Date()): string {
  return isoUtc(clock(), Math.floor((performance.now() % 1) * 1000));
}

/** Builds an envelope for `orchestrator-api.<sub>` (or `unknown` for parser errors). */
export function makeEnvelope(
  sub: string,
  success: boolean,
  errorCode: string | null,
  data: Record<string, unknown>,
  clock?: () => Date,
  contractVersion: string = CONTRACT_VERSION,
): Envelope {
  return {
    contract_version: contractVersion,
    command: `orchestrator-api.${sub}`,
    timestamp: nowIso(clock),
    correlation_id: `corr-${randomHex(32)}`,
    success,
    error_code: errorCode,
    data,
  };
}

/** Serializes an envelope as one line, keeping the wire key order (data keys keep insertion order). */
export function envelopeLine(envelope: Envelope): string {
  return pyJson(envelope, { sortKeys: false });
}
