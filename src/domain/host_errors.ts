/**
 * Typed host failures. Decide on these classes and on `code`, never on message text.
 *
 * - {@link HostError}: the host answered with an envelope whose `success` is false; `code` is
 *   its `error_code` (or `UNKNOWN_ERROR`).
 * - {@link HostTransportError}: no usable envelope (binary missing, timeout, crash, garbage).
 *   For mutating calls `ambiguous` is true when the host may have applied the change: the
 *   caller must re-read state and reconcile, never blindly repeat.
 *
 * @module
 */

/** Every error code of docs/host-contract.md §5, plus our fallback. */
export const HOST_ERROR_CODES = [
  "USAGE_ERROR",
  "CONTRACT_VERSION_MISMATCH",
  "POLICY_METADATA_REQUIRED",
  "POLICY_VALIDATION_FAILED",
  "MISSION_NOT_FOUND",
  "STATUS_READ_PATH_NOT_FOUND",
  "WP_NOT_FOUND",
  "DEPENDENCIES_NOT_SATISFIED",
  "LANE_ALLOCATION_FAILED",
  "WP_ALREADY_CLAIMED",
  "TRANSITION_REJECTED",
  "HISTORY_COMMIT_FAILED",
  "MISSION_NOT_READY",
  "WORKFLOW_EVIDENCE_REQUIRED",
  "UNSUPPORTED_STRATEGY",
  "PREFLIGHT_FAILED",
  "SAFE_COMMIT_BACKSTOP",
  "SAFE_COMMIT_DESTINATION_NOT_FOUND",
  "SAFE_COMMIT_DESTINATION_REF_SHAPE",
  "SAFE_COMMIT_EMPTY_CHANGESET",
  "SAFE_COMMIT_GENERIC",
  "SAFE_COMMIT_HEAD_MISMATCH",
  "SAFE_COMMIT_NOT_A_WORKTREE",
  "SAFE_COMMIT_PROTECTED_BRANCH",
  "SAFE_COMMIT_PATH_POLICY",
  "SAFE_COMMIT_RECOVERY_FAILED",
  "PLACEMENT_RESOLUTION_REQUIRED",
  "FEATURE_NOT_FOUND",
  "FEATURE_NOT_READY",
  "UNKNOWN_ERROR",
] as const;

/** A known host error code (anything else maps to `UNKNOWN_ERROR`, keeping the raw code). */
export type HostErrorCode = typeof HOST_ERROR_CODES[number];

const KNOWN = new Set<string>(HOST_ERROR_CODES);

/** Maps a raw `error_code` to a {@link HostErrorCode}. */
export function toHostErrorCode(raw: string | null | undefined): HostErrorCode {
  return raw !== null && raw !== undefined && KNOWN.has(raw) ? raw as HostErrorCode : "UNKNOWN_ERROR";
}

/** The host refused: a failure envelope. */
export class HostError extends Error {
  /** The mapped code. */
  readonly code: HostErrorCode;
  /** The code exactly as the host sent it (differs from `code` only for unknown codes). */
  readonly rawCode: string | null;
  /** The subcommand, e.g. `transition`. */
  readonly command: string;
  /** The envelope's `data` (structured fields plus `message`). */
  readonly data: Readonly<Record<string, unknown>>;

  constructor(command: string, rawCode: string | null, data: Record<string, unknown>) {
    const message = typeof data.message === "string" ? data.message : JSON.stringify(data);
    super(`host ${command} failed with ${rawCode ?? "UNKNOWN_ERROR"}: ${message}`);
    this.code = toHostErrorCode(rawCode);
    this.rawCode = rawCode;
    this.command = command;
    this.data = data;
  }

  /** The code to show to people: exactly what the host sent (`code` is for decisions only). */
  get shownCode(): string {
    return this.rawCode ?? this.code;
  }

  override get name(): string {
    return "HostError";
  }
}

/** Why no envelope could be read. */
export type HostTransportKind =
  /** The host binary is not installed / not on PATH. */
  | "not_found"
  /** The call exceeded its timeout; the process tree was killed. */
  | "timeout"
  /** Empty stdout with a non-zero exit (a traceback), or killed by a signal. */
  | "crash"
  /** stdout was not a valid envelope (malformed JSON, missing field, wrong command). */
  | "protocol";

/** The host could not be talked to, or its answer was unusable. */
export class HostTransportError extends Error {
  readonly kind: HostTransportKind;
  readonly command: string;
  /** True for a mutating call whose effect is unknown: re-read state before doing anything else. */
  readonly ambiguous: boolean;
  /** Last lines of stderr (redacted), for the message. */
  readonly stderrTail: string;
  readonly exitCode: number | null;

  constructor(
    kind: HostTransportKind,
    command: string,
    message: string,
    options: { ambiguous?: boolean; stderrTail?: string; exitCode?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.command = command;
    this.ambiguous = options.ambiguous ?? false;
    this.stderrTail = options.stderrTail ?? "";
    this.exitCode = options.exitCode ?? null;
  }

  override get name(): string {
    return "HostTransportError";
  }
}

/** True for codes that will not change by trying again (config/programming problems). */
export function isPermanentHostCode(code: HostErrorCode): boolean {
  return code === "USAGE_ERROR" || code === "CONTRACT_VERSION_MISMATCH" || code === "POLICY_METADATA_REQUIRED" ||
    code === "POLICY_VALIDATION_FAILED" || code === "MISSION_NOT_FOUND" || code === "WP_NOT_FOUND" ||
    code === "STATUS_READ_PATH_NOT_FOUND";
}
