/**
 * Parsed command options, shared between the commander wiring (`cli/app.ts`) and the command
 * implementations, so each command can be tested without commander.
 *
 * @module
 */

/** Options common to commands that work on a repository. */
export interface RepoOptions {
  /** `--repo-root`, unresolved. */
  repoRoot?: string;
  /** `--config <file>`. */
  config?: string;
  /** `--json`. */
  json: boolean;
}

/** `orchestrate` options (also used by `resume`, which has no mission/agent flags of its own). */
export interface OrchestrateOptions extends RepoOptions {
  mission: string;
  implAgent?: string;
  reviewAgent?: string;
  /** Only set when the flag was given (it overrides the file only then). */
  maxConcurrent?: number;
  actor?: string;
  dryRun: boolean;
  caffeinate: boolean;
  pipeline?: string;
  host?: "spec-kitty" | "builtin";
  /** Archive this mission's unfinished run and start over (without it, the unfinished run is continued). */
  fresh: boolean;
  /** Call accept-mission at the end. */
  accept: boolean;
  /** Continue the unfinished run of this mission if there is one (the default; kept for old cron lines). */
  continue?: boolean;
  /** Also retry WPs blocked by a person or by review rejections (config blocks are always retried). */
  retryBlocked?: boolean;
}

/** `resume` options. */
export interface ResumeOptions extends RepoOptions {
  /** Which mission's run to resume (default: the only unfinished one). */
  mission?: string;
  actor?: string;
  caffeinate: boolean;
  implAgent?: string;
  reviewAgent?: string;
  maxConcurrent?: number;
  host?: "spec-kitty" | "builtin";
  accept: boolean;
  /** `--pipeline` of an `orchestrate` that continues this run (resume itself has no such flag). */
  pipeline?: string;
  /** Also retry WPs blocked by a person or by review rejections (config blocks are always retried). */
  retryBlocked?: boolean;
}

/** `status` options. */
export interface StatusOptions extends RepoOptions {
  mission?: string;
  host?: "spec-kitty" | "builtin";
}

/** `abort` options. */
export interface AbortOptions extends RepoOptions {
  /** Which mission's run to abort (default: the only unfinished one). */
  mission?: string;
  cleanupWorktrees: boolean;
  /** Skip the confirmation listing (non-interactive use). */
  yes: boolean;
}

/** `validate` options. */
export interface ValidateOptions extends RepoOptions {
  implAgent?: string;
  reviewAgent?: string;
  maxConcurrent?: number;
  pipeline?: string;
  host?: "spec-kitty" | "builtin";
}

/** `init` options. */
export interface InitOptions extends RepoOptions {
  /** Create the demo repository instead of writing orchestration.yaml. */
  demo: boolean;
  /** Target directory for `--demo` (default ./orchestrator-demo) or for the config file. */
  dir?: string;
  force: boolean;
}

/** `doctor` options. */
export interface DoctorOptions extends RepoOptions {
  host?: "spec-kitty" | "builtin";
}

/** `report` options. */
export interface ReportOptions extends RepoOptions {
  runId?: string;
  out?: string;
}
