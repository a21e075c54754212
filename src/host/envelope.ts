/**
 * Decoding the host's JSON envelope (docs/host-contract.md §2) from a process's stdout.
 *
 * Pure: text in, typed value or typed error out. The seven keys are required, extra keys are
 * tolerated; `command` must name the subcommand called (`orchestrator-api.unknown` is allowed
 * for usage failures); a failure envelope becomes a {@link HostError}; anything unusable is a
 * `protocol` {@link HostTransportError}. Each subcommand's `data` is decoded by `data.ts`.
 *
 * @module
 */
import { z } from "zod";
import { decodeData, formatIssues, type HostResultMap } from "./data.ts";
import { HostError, HostTransportError } from "../domain/host_errors.ts";
import { redactSecrets } from "./stderr_tail.ts";
import { type HostSubcommand, MUTATING_SUBCOMMANDS } from "./subcommands.ts";

export type { HostResultMap } from "./data.ts";
export { resolveHostPath } from "./data.ts";

/** The seven-key envelope; extra keys are tolerated. */
export const EnvelopeSchema = z.looseObject({
  contract_version: z.string(),
  command: z.string(),
  timestamp: z.string(),
  correlation_id: z.string(),
  success: z.boolean(),
  error_code: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** A validated envelope. */
export type Envelope = z.infer<typeof EnvelopeSchema>;

/**
 * Finds the envelope in stdout: the last line that parses as a JSON object. merge-mission
 * prints git's "Deleted branch …" lines before it (docs/host-contract.md §14.5). Falls back to the
 * whole text, then to the last block starting with a `{` line, for pretty-printed envelopes.
 * Returns undefined when stdout holds no JSON object.
 */
export function extractEnvelopeJson(stdout: string): Record<string, unknown> | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const tryParse = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return isObject(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const lines = stdout.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    if (!line.startsWith("{")) continue;
    const value = tryParse(line);
    if (value !== undefined) return value;
  }
  const whole = tryParse(stdout.trim());
  if (whole !== undefined) return whole;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i] ?? "").startsWith("{")) {
      const value = tryParse(lines.slice(i).join("\n").trim());
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** The first `n` bytes of `text` (UTF-8), redacted, for error messages. */
export function headBytes(text: string, n = 200): string {
  const bytes = new TextEncoder().encode(text);
  const head = new TextDecoder().decode(bytes.slice(0, n));
  return redactSecrets(head) + (bytes.length > n ? "…" : "");
}

/** How an older host's answer differs on the wire (see `era.ts`). */
export interface WireOptions {
  /** The command name the host was called with, when it differs from `sub` (`feature-state`). */
  command?: string;
  /** Turns the success `data` into the contract 1.3 shape before it is decoded. */
  normalize?: (data: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Interprets a parsed envelope for `sub`: typed data on success, {@link HostError} for a
 * failure envelope, {@link HostTransportError} `protocol` when the envelope or data is invalid.
 * `stdout` is only used to quote the first 200 bytes in protocol errors.
 */
export function interpretEnvelope<K extends HostSubcommand>(
  sub: K,
  value: unknown,
  repoRoot: string,
  stdout = JSON.stringify(value),
  wire: WireOptions = {},
): HostResultMap[K] {
  const protocol = (why: string): HostTransportError =>
    new HostTransportError(
      "protocol",
      sub,
      `Cannot use the answer of host 'orchestrator-api ${sub}' as it is not a valid envelope (${why}): ` +
        `stdout starts with ${JSON.stringify(headBytes(stdout))}`,
      { ambiguous: MUTATING_SUBCOMMANDS.has(sub) },
    );
  const env = EnvelopeSchema.safeParse(value);
  if (!env.success) throw protocol(formatIssues(env.error));
  const { command, success, error_code: errorCode, data } = env.data;
  const expected = `orchestrator-api.${wire.command ?? sub}`;
  const usageCommand = !success && command === "orchestrator-api.unknown";
  if (command !== expected && !usageCommand) {
    throw protocol(`command must be ${JSON.stringify(expected)} but is ${JSON.stringify(command)}`);
  }
  if (!success) throw new HostError(sub, errorCode, data);
  const decoded = decodeData(sub, wire.normalize === undefined ? data : wire.normalize(data), repoRoot);
  if (!decoded.ok) throw protocol(`data: ${decoded.issues}`);
  return decoded.value;
}

/** Decodes a whole stdout for `sub` (see {@link extractEnvelopeJson}, {@link interpretEnvelope}). */
export function decodeStdout<K extends HostSubcommand>(
  sub: K,
  stdout: string,
  repoRoot: string,
  wire: WireOptions = {},
): HostResultMap[K] {
  const value = extractEnvelopeJson(stdout);
  if (value === undefined) {
    throw new HostTransportError(
      "protocol",
      sub,
      `Cannot use the answer of host 'orchestrator-api ${sub}' as stdout holds no JSON object: ` +
        `stdout starts with ${JSON.stringify(headBytes(stdout))}`,
      { ambiguous: MUTATING_SUBCOMMANDS.has(sub) },
    );
  }
  return interpretEnvelope(sub, value, repoRoot, stdout, wire);
}
