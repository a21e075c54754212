/**
 * A run state on disk: the snapshot `<repo>/.kittify/orchestrator-run-state.<mission>.json`
 * (see {@link statePath}), its copy `.bak`, and the journal `<snapshot>.journal`.
 *
 * Why a journal. The engine saves at every step a crash must not lose (23 times per WP in the
 * benchmark: before and after each host mutation, around each agent spawn...). Rewriting the
 * whole file, twice with its backup, with four fsyncs, made the cost of one save grow with the
 * mission: for 96 WPs, 2,209 saves of a file that grew to ~175 KB, 561 MB written in all.
 * Coalescing alone could not fix that: each save that guards a side effect (a host call, an
 * agent spawn) must be on disk before it, so most saves cannot be merged, and each would still
 * write the whole file (the benchmark's bench/scale_scenario.ts measures both). So the
 * cost is made to follow the change instead: a save appends one checksummed line holding only
 * what changed (top-level keys, and per WP only the fields that changed; see `journal.ts`) and
 * fdatasyncs it, one fsync per save instead of four. On top, saves coalesce: a save queued
 * while another is being written is served by the next write, which reads the live state (it
 * cannot miss a change made before its call), and a save where nothing but `updated_at`
 * changed writes nothing.
 *
 * Snapshots are written at the phase boundaries of a run: the first save of a process (a start
 * or a resume: the journal is folded in), a save whose status is no longer `running` (the end
 * of a run, an abort), and when the journal has grown past four times the snapshot (so a
 * reader replays a bounded journal, and the bytes written stay proportional to the changes).
 * A snapshot is the same checksummed JSON as before the journal existed, written atomically to
 * `.bak` first and then to the file, so there is never a moment without a good copy, and the
 * journal is removed after. A file a user reads after a run is complete; during a run it is
 * the state at the last boundary, and `status` shows it with the journal applied.
 *
 * Loading never starts silently fresh: a damaged file falls back to `.bak` with a warning (the
 * journal applies to it too, as both hold the same snapshot), and when both are bad it stops
 * with a message saying what is wrong and how to recover. Journal lines of an older snapshot (a
 * crash between a snapshot and the journal's removal) are ignored; a torn last line (a crash
 * mid-append) is ignored and reported, as is any line that does not verify or follow.
 *
 * Versions: the snapshot carries `schema_version` (state_schema.ts migrates older files: a file
 * written before the journal existed is a snapshot without a journal and loads as before); each
 * journal line carries its format version (`journal`), and a line of a newer format stops the
 * replay with a warning.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { errorMessage, ExitCode, UserError } from "../domain/errors.ts";
import { PRODUCT, VERSION } from "../domain/version.ts";
import {
  appendDurable,
  type AppendFile,
  cleanStrayTemps,
  ensureRoom,
  type FsOps,
  realFs,
  syncDirOf,
  writeFileAtomic,
} from "./atomic_write.ts";
import {
  type DecodeOptions,
  decodeState,
  encodeState,
  encodeStateDocument,
  type StateDecodeFailure,
  type StateDecodeResult,
  stateDocument,
} from "./state_schema.ts";
import { type RunState, STATE_SCHEMA_VERSION } from "../domain/run_state.ts";
import { exists } from "../util/fs.ts";
import { applyChanges, diffDocument, encodeLine, imageOf, readJournal, type WrittenImage } from "./journal.ts";

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
  /** When the journal is folded into a snapshot (tests make it small). @default {ratio: 4, minBytes: 256 KiB} */
  compact?: { ratio: number; minBytes: number };
}

/** What persisting has cost this store so far (for the run summary and the benchmark). */
export interface StoreStats {
  /** Files written or appended to. */
  writes: number;
  /** fsync/fdatasync calls made. */
  fsyncs: number;
  /** Bytes written. */
  bytes: number;
}

/** The journal is folded into a new snapshot when it outgrows the snapshot this many times. */
const COMPACT_RATIO = 4;
/** ...but never below this size, so a small state is not snapshotted every few saves. */
const COMPACT_MIN_BYTES = 256 * 1024;

/** Where the journal stands: the snapshot it continues and what is on disk. */
interface JournalCursor {
  base: number;
  image: WrittenImage;
  snapshotBytes: number;
  journalBytes: number;
  file: AppendFile | null;
}

/** Reads and writes the run state of one repository; see the module doc. */
export class StateStore {
  /** Absolute path of the state file (the snapshot). */
  readonly path: string;
  /** Path of the copy of the snapshot. */
  readonly backupPath: string;
  /** Path of the journal of changes since the snapshot. */
  readonly journalPath: string;
  readonly #fs: FsOps;
  readonly #now: () => Date;
  readonly #opts: StateStoreOptions;
  #chain: Promise<void> = Promise.resolve();
  #cleaned = false;
  /** Null until this process wrote a snapshot, and after any failed write: the next save snapshots. */
  #cursor: JournalCursor | null = null;
  /** A queued save not yet started: a later save of the same state shares it. */
  #queued: { state: RunState; done: Promise<void> } | null = null;
  /** The pre-migration text, kept as `<file>.v<N>.bak` at the first save after a migration. */
  #migrationBackup: { version: number; text: string } | null = null;
  readonly #stats: StoreStats = { writes: 0, fsyncs: 0, bytes: 0 };

  constructor(repoRoot: string, opts: StateStoreOptions = {}) {
    this.path = statePath(repoRoot, opts.mission);
    this.backupPath = this.path + ".bak";
    this.journalPath = this.path + JOURNAL_SUFFIX;
    this.#fs = opts.fs ?? realFs;
    this.#now = opts.now ?? (() => new Date());
    this.#opts = opts;
  }

  /** What this store has written so far. */
  stats(): StoreStats {
    return { ...this.#stats };
  }

  /** Loads the state (see {@link loadWithReport}); warnings go to `onWarning`. */
  async load(): Promise<RunState | null> {
    const report = await this.loadWithReport();
    for (const warning of report.warnings) this.#opts.onWarning?.(warning);
    return report.state;
  }

  /**
   * Loads the state: missing → null; damaged → the backup with a warning; the journal applied.
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
    const journal = await readText(this.journalPath);
    const first = await decodeWithJournal(primary, journal, this.journalPath, this.#opts.decode);
    if (first.ok) {
      if (first.migratedFrom !== null) this.#migrationBackup = { version: first.migratedFrom, text: primary };
      return { state: first.state, warnings: first.warnings, source: "primary" };
    }
    if (first.kind === "newer") throw new StateTooNewError(this.path, first.version);
    const backup = await readText(this.backupPath);
    const second = backup === null
      ? null
      : await decodeWithJournal(backup, journal, this.journalPath, this.#opts.decode);
    if (second?.ok) {
      return {
        state: second.state,
        source: "backup",
        warnings: [
          `The run state ${this.path} is unusable (${first.detail}); using its backup ${this.backupPath} ` +
          `(seq ${second.state.seq}, written ${second.state.updated_at}). Progress recorded after that is lost; ` +
          `the host's lanes are unaffected.`,
          ...second.warnings,
        ],
      };
    }
    if (second !== null && second.kind === "newer") throw new StateTooNewError(this.backupPath, second.version);
    throw corruptError(this.path, this.backupPath, first, second);
  }

  /**
   * Saves `state`: bumps `seq`, sets `updated_at`, and makes the change durable (one journal
   * line, or a snapshot at a phase boundary; see the module doc). Queued behind earlier saves; a
   * save of the same state queued behind them shares the next write. On success the caller's
   * object gets the new `seq`/`updated_at` (unchanged when nothing worth a write changed); on
   * failure it is unchanged and what is on disk is the previous save.
   *
   * @throws {UserError} (exit 1) when the write fails (disk full, EIO...): stop the run.
   */
  save(state: RunState): Promise<void> {
    if (this.#queued !== null && this.#queued.state === state) return this.#queued.done;
    const done = this.#enqueue(() => {
      if (this.#queued?.done === done) this.#queued = null;
      return this.#write(state);
    });
    this.#queued = { state, done };
    return done;
  }

  async #write(state: RunState): Promise<void> {
    const next: RunState = {
      ...state,
      schema_version: STATE_SCHEMA_VERSION,
      written_by: VERSION,
      seq: state.seq + 1,
      updated_at: this.#now().toISOString(),
    };
    const cursor = this.#cursor;
    const doc = stateDocument(next);
    if (cursor === null || next.status !== "running" || this.#migrationBackup !== null) {
      await this.#snapshot(doc);
    } else {
      const diff = diffDocument(cursor.image, doc, cursor.base, next.seq);
      if (diff.body === null) return;
      const limits = this.#opts.compact ?? { ratio: COMPACT_RATIO, minBytes: COMPACT_MIN_BYTES };
      const compact = cursor.journalBytes > Math.max(limits.ratio * cursor.snapshotBytes, limits.minBytes);
      if (compact) await this.#snapshot(doc);
      else await this.#append(cursor, await encodeLine(diff.body), diff.image);
    }
    state.schema_version = next.schema_version;
    state.written_by = next.written_by;
    state.seq = next.seq;
    state.updated_at = next.updated_at;
  }

  /** Writes `doc` whole to `.bak` then the file, then drops the journal it replaces. */
  async #snapshot(doc: Record<string, unknown>): Promise<void> {
    const previous = this.#cursor;
    this.#cursor = null;
    previous?.file?.close();
    await Deno.mkdir(dirname(this.path), { recursive: true });
    if (!this.#cleaned) {
      await cleanStrayTemps(this.path, this.#fs);
      await cleanStrayTemps(this.backupPath, this.#fs);
      this.#cleaned = true;
    }
    // Never overwrite a file a newer orchestrator wrote (it may be read again by that one).
    const current = await readText(this.path);
    if (current !== null && previous === null) {
      const found = await decodeState(current, this.#opts.decode);
      if (!found.ok && found.kind === "newer") throw new StateTooNewError(this.path, found.version);
    }
    if (this.#migrationBackup !== null) {
      const { version, text } = this.#migrationBackup;
      await this.#writeWhole(`${this.path}.v${version}.bak`, text);
      this.#migrationBackup = null;
    }
    const text = await encodeStateDocument(doc);
    await this.#writeWhole(this.backupPath, text);
    await this.#writeWhole(this.path, text);
    // A journal left behind continues an older snapshot and is ignored on load: no need to wait.
    await removeIfExists(this.journalPath);
    this.#cursor = {
      base: doc.seq as number,
      image: imageOf(JSON.parse(text)),
      snapshotBytes: text.length,
      journalBytes: 0,
      file: null,
    };
  }

  async #writeWhole(path: string, text: string): Promise<void> {
    await writeFileAtomic(path, text, { fs: this.#fs });
    this.#stats.writes++;
    this.#stats.fsyncs += 2;
    this.#stats.bytes += new TextEncoder().encode(text).length;
  }

  async #append(cursor: JournalCursor, line: string, image: WrittenImage): Promise<void> {
    this.#cursor = null; // a failure below leaves the journal unusable: the next save snapshots
    try {
      // On a full disk a line can still fit in the journal's last block: stop at this save anyway,
      // as a snapshot would, before the run goes on with agents whose logs cannot be written.
      await ensureRoom(this.journalPath, this.#fs);
      const created = cursor.file === null;
      cursor.file ??= await this.#openJournal();
      const written = await appendDurable(cursor.file, this.journalPath, line, {
        length: cursor.journalBytes,
        sync: true,
      });
      this.#stats.writes++;
      this.#stats.fsyncs++;
      this.#stats.bytes += written;
      if (created) {
        // The journal's directory entry must survive a power loss too.
        await syncDirOf(this.journalPath, this.#fs);
        this.#stats.fsyncs++;
      }
      cursor.journalBytes += written;
      cursor.image = image;
      this.#cursor = cursor;
    } catch (error) {
      cursor.file?.close();
      cursor.file = null;
      throw error;
    }
  }

  async #openJournal(): Promise<AppendFile> {
    try {
      return await this.#fs.openAppend(this.journalPath, 0o600);
    } catch (error) {
      throw new UserError(
        `Cannot save the run state journal ${this.journalPath} as opening it failed: ${errorMessage(error)}`,
        { exitCode: ExitCode.RunFailed, fix: "Check the permissions and free space of .kittify/, then resume." },
      );
    }
  }

  /** Deletes the state file, its backups, its journal and stray temp files (missing ones are fine). */
  remove(): Promise<void> {
    return this.#enqueue(async () => {
      this.#closeJournal();
      for (const path of await this.#ownFiles()) await removeIfExists(path);
      await cleanStrayTemps(this.path, this.#fs);
      await cleanStrayTemps(this.backupPath, this.#fs);
      this.#migrationBackup = null;
    });
  }

  /**
   * Moves the state file and its backup aside as `orchestrator-run-state.<suffix>.json[.bak]`
   * (e.g. before `orchestrate --fresh`), so the next run starts clean and the old counters stay
   * inspectable; a journal is folded into the archived file first. Returns the archive path
   * (nothing is moved when there was no state file).
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
      this.#closeJournal();
      const stem = basename(this.path, ".json");
      let target = join(dirname(this.path), `${stem}.${suffix}.json`);
      for (let n = 2; await exists(target) || await exists(target + ".bak"); n++) {
        target = join(dirname(this.path), `${stem}.${suffix}-${n}.json`);
      }
      const primary = await readText(this.path);
      const journal = await readText(this.journalPath);
      if (primary !== null && journal !== null && journal !== "") {
        const merged = await decodeWithJournal(primary, journal, this.journalPath, this.#opts.decode);
        if (merged.ok) await this.#writeWhole(this.path, await encodeState(merged.state));
      }
      if (await exists(this.path)) await Deno.rename(this.path, target);
      if (await exists(this.backupPath)) await Deno.rename(this.backupPath, target + ".bak");
      await removeIfExists(this.journalPath);
      return target;
    });
  }

  #closeJournal(): void {
    this.#cursor?.file?.close();
    this.#cursor = null;
  }

  /** The state file, its journal and every backup of it, as they exist now. */
  async #ownFiles(): Promise<string[]> {
    const files = [this.path, this.backupPath, this.journalPath];
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

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.then(() => undefined, () => undefined);
    return run;
  }
}

/** The journal's name: the snapshot's with this suffix. */
export const JOURNAL_SUFFIX = ".journal";

/** A decoded state with the warnings about its journal. */
export type JournaledDecode = (StateDecodeResult & { ok: true; warnings: string[] }) | StateDecodeFailure;

/**
 * Decodes a snapshot's text and applies the lines of `journal` (the text of `journalPath`, or
 * null) that continue it; what could not be applied is said in `warnings`. Never throws.
 */
export async function decodeWithJournal(
  snapshot: string,
  journal: string | null,
  journalPath: string,
  decode?: DecodeOptions,
): Promise<JournaledDecode> {
  const decoded = await decodeState(snapshot, decode);
  if (!decoded.ok) return decoded;
  if (journal === null || journal === "") return { ...decoded, warnings: [] };
  const doc = JSON.parse(snapshot) as Record<string, unknown>;
  const base = typeof doc.seq === "number" ? doc.seq : -1;
  const read = await readJournal(journal, base);
  const warnings: string[] = [];
  if (read.problem !== null) {
    const kept = read.changes.at(-1)?.seq ?? base;
    const what = read.problem.kind === "torn"
      ? "is incomplete (a crash during the write)"
      : read.problem.kind === "damaged"
      ? "is damaged"
      : "does not follow the one before";
    warnings.push(
      `Line ${read.problem.line} of the run state journal ${journalPath} ${what}: ${read.problem.detail}; ` +
        `it and any line after it were ignored, so the state is as of save #${kept}. ` +
        `The host's lanes are unaffected; resume reconciles with them.`,
    );
  }
  if (read.changes.length === 0) return { ...decoded, warnings };
  applyChanges(doc, read.changes);
  const merged = await decodeState(await encodeStateDocument(doc), decode);
  if (!merged.ok) {
    warnings.push(
      `The run state journal ${journalPath} does not apply to its snapshot (${merged.detail}); ` +
        `it was ignored, so the state is as of save #${base}.`,
    );
    return { ...decoded, warnings };
  }
  return { ...merged, migratedFrom: decoded.migratedFrom, warnings };
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
