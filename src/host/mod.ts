/**
 * Choosing and building the {@link Host} for a run.
 *
 * Both kinds go through {@link SpecKittyHost}: `spec-kitty` runs the configured command,
 * `builtin` runs our own binary's `host` command, so the adapter (envelopes, timeouts, process
 * groups) is exercised the same way whichever host the user picks.
 *
 * @module
 */
import type { ResolvedConfig } from "../domain/config.ts";
import { selfCommand } from "./self_command.ts";
import { type HostCallEvent, SpecKittyHost } from "./spec_kitty_host.ts";
import type { EraId, Host } from "../domain/host.ts";

/** Env variable that overrides the spec-kitty command (a path to the executable). */
export const SPEC_KITTY_BIN_ENV = "SPEC_KITTY_BIN";

/** Options of {@link createHost}. */
export interface CreateHostOptions {
  /** Overrides `config.host.timeoutMs`. */
  readonly timeoutMs?: number;
  /** Backoff sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Backoff randomness (tests). */
  readonly random?: () => number;
  /** Reported after every attempt. */
  readonly onCall?: (event: HostCallEvent) => void;
  /** Aborting kills in-flight host calls. */
  readonly signal?: AbortSignal;
  /** Environment lookup (tests). @default Deno.env.get */
  readonly env?: (name: string) => string | undefined;
  /**
   * The era to speak without a handshake (e.g. `status`, from the run state); a later
   * `contract-version` detects it again. @default "1.3"
   */
  readonly era?: EraId;
}

/** The argv prefix for `kind`, honouring `SPEC_KITTY_BIN` for spec-kitty. */
export function hostCommand(
  config: ResolvedConfig,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string[] {
  if (config.host.kind === "builtin") {
    // An emulated era is part of the command, so the agents' mark-status lines answer as it too.
    const era = config.host.emulate;
    return [...selfCommand(env), "host", ...(era === undefined || era === "1.3" ? [] : ["--emulate", era])];
  }
  const bin = env(SPEC_KITTY_BIN_ENV);
  if (bin !== undefined && bin.trim() !== "") return [bin];
  return [...config.host.command];
}

/** Builds the host for `config` rooted at `repoRoot` (absolute). */
export function createHost(config: ResolvedConfig, repoRoot: string, options: CreateHostOptions = {}): Host {
  return new SpecKittyHost({
    command: hostCommand(config, options.env),
    repoRoot,
    kind: config.host.kind,
    timeoutMs: options.timeoutMs ?? config.host.timeoutMs,
    sleep: options.sleep,
    random: options.random,
    onCall: options.onCall,
    signal: options.signal,
    ...(options.era === undefined ? {} : { era: options.era }),
  });
}

export { SpecKittyHost } from "./spec_kitty_host.ts";
export type { HostCallEvent, SpecKittyHostOptions } from "./spec_kitty_host.ts";
