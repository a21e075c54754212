/**
 * The one error type of the built-in host: a handled failure that becomes a failure envelope.
 *
 * `fields` are the structured data keys (identity, `wp_id`, ...) placed before `message`, as
 * the real host does since #3548.
 *
 * @module
 */

/** A handled host failure: `code` is the envelope's `error_code`. */
export class HostFailure extends Error {
  /** The `error_code`, e.g. `TRANSITION_REJECTED`. */
  readonly code: string;
  /** Structured data fields (without `message`). */
  readonly fields: Record<string, unknown>;
  /** Process exit code: 1 for handled failures, 2 for parser errors. */
  readonly exitCode: number;

  constructor(code: string, message: string, fields: Record<string, unknown> = {}, exitCode = 1) {
    super(message);
    this.code = code;
    this.fields = fields;
    this.exitCode = exitCode;
  }

  override get name(): string {
    return "HostFailure";
  }

  /** The envelope `data`: the fields, then `message`. */
  data(): Record<string, unknown> {
    return { ...this.fields, message: this.message };
  }
}

/** Shorthand for a `TRANSITION_REJECTED` failure. */
export function rejected(message: string, fields: Record<string, unknown> = {}): HostFailure {
  return new HostFailure("TRANSITION_REJECTED", message, fields);
}
