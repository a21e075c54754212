/**
 * A run state file on disk: `<repo>/.kittify/orchestrator-run-state.<mission>.json` (see {@link statePath}).
 *
 * Every save keeps the previous good generation as `.bak` (written with the same atomic
 * protocol, so there is never a moment without a good copy), then replaces the file
 * atomically; saves are queued so concurrent WP tasks never interleave. Loading never starts
 * silently fresh: a damaged file falls back to `.bak` with a warning, and when both are bad it
 * stops with a message saying what is wrong and how to recover.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { ExitCode, UserError } from "../errors.ts";
import { PRODUCT, VERSION } from "../version.ts";
import { cleanStrayTemps, type FsOps, realFs, writeFileAtomic } from "./atomic_write.ts";
import { type DecodeOptions, decodeState, encodeState, type StateDecodeFailure } from "../engine/state_schema.ts";
import { type RunState, STATE_SCHEMA_VERSION } from "../engine/state_types.ts";
import { exists } from "../util/fs.ts";

/** File name of the legacy single state file inside `.kittify/` (read for compatibility). */
export const STATE_FILE_NAME = "orchestrator-run-state.json";

/**
 * Path of the run state of `mission`: one file per mission, so two missions can be orchestrated
 * at once in one repository (each under its own lock). Without a mission: the legacy file.
 */
export function statePath(repoRoot: string, mission?: string): string {
  return join(repoRoot, ".kittify", mission === undefined ? STATE_FILE_NAME : `orchestrator-run-state.${mission}.json`);
}

/** The state file (and its backup) cannot be used; the message says why and how to recover. */
export class StateCorruptError extends UserError {
  constructor(message: string, fix: string) {
    super(message, { exitCode: ExitCode.RunFailed, fix });
  }

  override get name(): string {
    return "StateCorruptError";
  }
}

/** The state file was written by a newer orchestrator; it is left untouched. */
export class StateTooNewError extends UserError {
  /** The schema version found in the file. */
  readonly version: number;

  constructor(path: string, version: number) {
    super(
      `Cannot load the run state ${path} as it was written by a newer orchestrator (v${version}); ` +
        `this one (${VERSION}) reads schema v${STATE_SCHEMA_VERSION}`,
      { exitCode: ExitCode.RunFailed, fix: `Upgrade ${PRODUCT} to the version that wrote this run, then retry.` },
    );
    this.version = version;
  }

  override get name(): string {
    return "StateTooNewError";
  }
}

/** What {@link StateStore.loadWithReport} found. */
export interface LoadReport {
  /** The state, or null when there is no state file. */
  state: RunState | null;
  /** Human warnings (e.g. "fell back to the backup"); the caller prints them. */
  warnings: string[];
  /** Which file the state came from. */
  source: "primary" | "backup" | null;
}

/** Options of {@link StateStore}. */
export interface StateStoreOptions {
  /** Filesystem for writes. @default realFs */
  fs?: FsOps;
  /** Clock for `updated_at`. @default () => new Date() */
  now?: () => Date;
  /** Receives the warnings of {@link StateStore.load}. */
  onWarning?: (message: string) => void;
  /** Schema decoding options (tests inject migrations). */
  decode?: DecodeOptions;
  /** The mission whose state this is (see {@link statePath}); absent: the legacy single file. */
  mission?: string;
}

/** Reads and writes the run state of one repository; see the module doc. */
export class StateStore {
  /** Absolute path of the state file. */
  readonly path: string;
  /** Path of the previous generation. */
  readonly backupPath: string;
  readonly #fs: FsOps;
  readonly #now: () => Date;
  readonly #opts: StateStoreOptions;
  #chain: Promise<void> = Promise.resolve();
  #cleaned = false;
  /** The last text known to be a good state (loaded or written by us), to skip re-verifying it. */
  #lastGood: string | null = null;
  /** The pre-migration text, kept as `<file>.v<N>.bak` at the first save after a migration. */
  #migrationBackup: { version: number; text: string } | null = null;

  constructor(repoRoot: string, opts: StateStoreOptions = {}) {
    this.path = statePath(repoRoot, opts.mission);
    this.backupPath = this.path + ".bak";
    this.#fs = opts.fs ?? realFs;
    this.#now = opts.now ?? (() => new Date());
    this.#opts = opts;
  }

  /** Loads the state (see {@link loadWithReport}); warnings go to `onWarning`. */
  async load(): Promise<RunState | null> {
    const report = await this.loadWithReport();
    for (const warning of report.warnings) this.#opts.onWarning?.(warning);
    return report.state;
  }

  /**
   * Loads the state: missing → null; damaged → the backup with a warning.
   *
   * @throws {StateTooNewError} when either file was written by a newer schema.
   * @throws {StateCorruptError} when the file and its backup are both unusable.
   */
  async loadWithReport(): Promise<LoadReport> {
    const primary = await readText(this.path);
    if (primary === null) {
      const warnings = (await readText(this.backupPath)) === null ? [] : [
        `${this.path} is missing but its backup ${this.backupPath} exists; it was not used. ` +
        `To continue that run, restore it: mv ${this.backupPath} ${this.path}`,
      ];
      return { state: null, warnings, source: null };
    }
    const first = await decodeState(primary, this.#opts.decode);
    if (first.ok) {
      this.#lastGood = first.migratedFrom === null ? primary : null;
      if (first.migratedFrom !== null) this.#migrationBackup = { version: first.migratedFrom, text: primary };
      return { state: first.state, warnings: [], source: "primary" };
    }
    if (first.kind === "newer") throw new StateTooNewError(this.path, first.version);
    const backup = await readText(this.backupPath);
    const second = backup === null ? null : await decodeState(backup, this.#opts.decode);
    if (second?.ok) {
      return {
        state: second.state,
        source: "backup",
        warnings: [
          `The run state ${this.path} is unusable (${first.detail}); using its backup ${this.backupPath} ` +
          `(seq ${second.state.seq}, written ${second.state.updated_at}). Progress recorded after that is lost; ` +
          `the host's lanes are unaffected.`,
        ],
      };
    }
    if (second !== null && second.kind === "newer") throw new StateTooNewError(this.backupPath, second.version);
    throw corruptError(this.path, this.backupPath, first, second);
  }

  /**
   * Saves `state`: bumps `seq`, sets `updated_at`, writes the previous good generation to `.bak`,
   * then the new file, atomically. Queued behind earlier saves. On success the caller's object
   * gets the new `seq`/`updated_at`; on failure it is unchanged and the file on disk is the
   * previous generation.
   *
   * @throws {UserError} (exit 1) when the write fails (disk full, EIO...): stop the run.
   */
  save(state: RunState): Promise<void> {
    return this.#enqueue(async () => {
      await Deno.mkdir(dirname(this.path), { recursive: true });
      if (!this.#cleaned) {
        await cleanStrayTemps(this.path, this.#fs);
        await cleanStrayTemps(this.backupPath, this.#fs);
        this.#cleaned = true;
      }
      if (this.#migrationBackup !== null) {
        const { version, text } = this.#migrationBackup;
        await writeFileAtomic(`${this.path}.v${version}.bak`, text, { fs: this.#fs });
        this.#migrationBackup = null;
      }
      const previous = await readText(this.path);
      if (previous !== null && await this.#isGood(previous)) {
        await writeFileAtomic(this.backupPath, previous, { fs: this.#fs });
      }
      const next: RunState = {
        ...state,
        schema_version: STATE_SCHEMA_VERSION,
        written_by: VERSION,
        seq: state.seq + 1,
        updated_at: this.#now().toISOString(),
      };
      const text = await encodeState(next);
      await writeFileAtomic(this.path, text, { fs: this.#fs });
      this.#lastGood = text;
      state.schema_version = next.schema_version;
      state.written_by = next.written_by;
      state.seq = next.seq;
      state.updated_at = next.updated_at;
    });
  }

  /** Deletes the state file, its backups and stray temp files (missing ones are fine). */
  remove(): Promise<void> {
    return this.#enqueue(async () => {
      for (const path of await this.#ownFiles()) await removeIfExists(path);
      await cleanStrayTemps(this.path, this.#fs);
      await cleanStrayTemps(this.backupPath, this.#fs);
      this.#lastGood = null;
      this.#migrationBackup = null;
    });
  }

  /**
   * Moves the state file and its backup aside as `orchestrator-run-state.<suffix>.json[.bak]`
   * (e.g. before `orchestrate --fresh`), so the next run starts clean and the old counters stay
   * inspectable. Returns the archive path (nothing is moved when there was no state file).
   */
  archive(suffix: string): Promise<string> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(suffix)) {
      return Promise.reject(
        new UserError(
          `Cannot archive the run state as the suffix must be letters, digits, '.', '_' or '-': ` +
            `current value is ${JSON.stringify(suffix)}`,
        ),
      );
    }
    return this.#enqueue(async () => {
      const stem = basename(this.path, ".json");
      let target = join(dirname(this.path), `${stem}.${suffix}.json`);
      for (let n = 2; await exists(target) || await exists(target + ".bak"); n++) {
        target = join(dirname(this.path), `${stem}.${suffix}-${n}.json`);
      }
      if (await exists(this.path)) await Deno.rename(this.path, target);
      if (await exists(this.backupPath)) await Deno.rename(this.backupPath, target + ".bak");
      this.#lastGood = null;
      return target;
    });
  }

  /** The state file and every backup of it, as they exist now. */
  async #ownFiles(): Promise<string[]> {
    const files = [this.path, this.backupPath];
    try {
      for await (const entry of Deno.readDir(dirname(this.path))) {
        if (entry.name.startsWith(`${basename(this.path)}.v`) && /\.v[0-9]+\.bak$/.test(entry.name)) {
          files.push(join(dirname(this.path), entry.name));
        }
      }
    } catch {
      // No .kittify directory: nothing to list.
    }
    return files;
  }

  async #isGood(text: string): Promise<boolean> {
    if (text === this.#lastGood) return true;
    const decoded = await decodeState(text, this.#opts.decode);
    if (!decoded.ok && decoded.kind === "newer") throw new StateTooNewError(this.path, decoded.version);
    return decoded.ok;
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.then(() => undefined, () => undefined);
    return run;
  }
}

function corruptError(
  path: string,
  backupPath: string,
  first: StateDecodeFailure,
  second: StateDecodeFailure | null,
): StateCorruptError {
  const backup = second === null
    ? `its backup ${backupPath} does not exist`
    : `its backup is unusable too (${second.detail})`;
  return new StateCorruptError(
    `Cannot load the run state ${path} as it must be a valid state file: ${first.detail}; ${backup}`,
    `Restore a good copy of ${path} if you have one; otherwise start over with ` +
      `'${PRODUCT} abort --cleanup-worktrees' (removes this run's worktrees, branches and state) or ` +
      `'${PRODUCT} orchestrate --fresh' (moves the broken file aside). The host's lanes are unaffected.`,
  );
}

/**
 * The run state path holds something that is not a file (a directory, a socket...): nothing can
 * be read or written there, and it must not pass for "no run state".
 */
export function stateNotAFileError(path: string): UserError {
  return new UserError(
    `Cannot use the run state ${path} as it must be a file: it is a directory or another non-file`,
    {
      exitCode: ExitCode.RunFailed,
      fix: `Move it aside (mv ${path} ${path}.moved) or remove it if it holds nothing you need, then retry.`,
    },
  );
}

async function readText(path: string): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw stateNotAFileError(path);
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof Deno.errors.NotFound) return null;
    throw new UserError(`Cannot read the run state ${path}: ${error instanceof Error ? error.message : error}`, {
      exitCode: ExitCode.RunFailed,
      fix: "Check the permissions of .kittify/ and the file.",
      cause: error,
    });
  }
  return new TextDecoder().decode(bytes);
}

async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
