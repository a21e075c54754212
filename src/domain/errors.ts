/**
 * The two error families of the orchestrator.
 *
 * - {@link UserError}: something the person running us can fix (bad flag, bad config, host
 *   missing, lock held). Carries the process exit code and a one-line fix.
 * - {@link InternalError}: a bug in the orchestrator. Carries a hint on how to report it.
 *
 * Messages follow one template: what failed, the rule, the actual value
 * ("Cannot use '--max-concurrent' as it must be a positive integer: current value is 0").
 *
 * @module
 */

/** Process exit codes, documented in the README and used consistently by every command. */
export const ExitCode = {
  /** All WPs done, or dry-run / validate / status succeeded. */
  Ok: 0,
  /** The run failed (host unreachable, internal error, state corrupt...). */
  RunFailed: 1,
  /** Usage or configuration error: nothing was touched. */
  Usage: 2,
  /** The run ended, but some WPs are blocked, failed or skipped. */
  Incomplete: 3,
  /** Another run holds the lock (EX_TEMPFAIL: cron overlap is a normal outcome). */
  Locked: 75,
  /** Interrupted by SIGINT. */
  Interrupted: 130,
  /** Terminated by SIGTERM. */
  Terminated: 143,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** Options shared by {@link UserError} and its subclasses. */
export interface UserErrorOptions {
  /** Exit code for the process. @default ExitCode.Usage */
  exitCode?: ExitCodeValue;
  /** One line telling the user what to do about it. */
  fix?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** An error the user can fix; printed without a stack trace, with its fix, and mapped to an exit code. */
export class UserError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: ExitCodeValue;
  /** What to do about it, or undefined when the message already says it. */
  readonly fix: string | undefined;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? ExitCode.Usage;
    this.fix = options.fix;
  }

  override get name(): string {
    return "UserError";
  }
}

/** A configuration problem (orchestration.yaml or flags). Always exit code 2. */
export class ConfigError extends UserError {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** The field path, e.g. `pipelines.default.implement.agents[0]`. */
  readonly path: string | undefined;

  constructor(message: string, options: { file?: string; path?: string; fix?: string; cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.Usage, fix: options.fix, cause: options.cause });
    this.file = options.file;
    this.path = options.path;
  }

  override get name(): string {
    return "ConfigError";
  }
}

/** A bug in the orchestrator: printed with a request to report it. */
export class InternalError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  override get name(): string {
    return "InternalError";
  }

  /** How to report this bug. */
  get reportHint(): string {
    return "This is a bug in spec-kitty-orchestrator. Please report it with the command you ran, " +
      "`spec-kitty-orchestrator version` and the last run log under .kittify/logs/.";
  }
}

/** Turns any thrown value into a printable message (never branch on this text). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
