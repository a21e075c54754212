/**
 * Writes and reads run records under `.kittify/runs/<run id>/`.
 *
 * - `events.ndjson`: one {@link RunEvent} per line, appended as the engine emits them (an append
 *   log: not fsynced per line, as it is a diagnostic). The file is opened in append mode, so a
 *   resumed run continues the same file.
 * - `summary.json`: the {@link RunSummary}, written with the store's atomic write at the end.
 *
 * A run record is a diagnostic, not a source of truth: a write failure (disk full, permissions)
 * becomes a warning and never stops the run. Readers tolerate a torn last line (a crash mid-write).
 *
 * @module
 */
import { join } from "node:path";
import type { RunEvent, RunSummary } from "../domain/run_events.ts";
import { errorMessage, UserError } from "../domain/errors.ts";
import { appendDurable, type AppendFile, realFs, writeFileAtomic } from "./atomic_write.ts";

/** Where run directories live, relative to the repository root. */
export const RUNS_DIR = ".kittify/runs";

/** Run ids are used as directory names: letters, digits, `.`, `_`, `-` only, not starting with a dot. */
const RUN_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Records one run's events and summary. */
export interface RunRecorder {
  /** Absolute path of the run directory. */
  readonly dir: string;
  /** Appends one event as an NDJSON line. Never throws: failures go to `onWarning`. */
  record(event: RunEvent): Promise<void>;
  /** Writes `summary.json` atomically and closes the events file. Never throws. */
  finish(summary: RunSummary): Promise<void>;
  /** Closes the events file without writing a summary (e.g. on interruption). Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link createRunRecorder}. */
export interface RunRecorderOptions {
  /** Receives write and prune failures as one-line messages. @default ignore */
  onWarning?: (message: string) => void;
}

/** One run as read back from disk. */
export interface RunRecord {
  runId: string;
  dir: string;
  events: RunEvent[];
  /** Null while the run is live, or when it died before writing it. */
  summary: RunSummary | null;
  /** Lines that could not be parsed (a torn last line after a crash, or corruption). */
  skippedLines: number;
}

/** Throws a {@link UserError} unless `runId` is safe to use as a directory name. */
export function assertRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new UserError(
      "Cannot use the run id as it must be letters, digits, '.', '_' or '-' (at most 128, not starting " +
        `with '.'): current value is ${JSON.stringify(runId)}`,
      { fix: "Pass a run id as listed under .kittify/runs/ (or omit it to use the last run)." },
    );
  }
}

/**
 * Creates the recorder for `runId`, creating its directory and pruning the oldest run
 * directories so that at most `retention` remain (the current one always stays).
 */
export async function createRunRecorder(
  repoRoot: string,
  runId: string,
  retention: number,
  options: RunRecorderOptions = {},
): Promise<RunRecorder> {
  assertRunId(runId);
  const warn = options.onWarning ?? (() => {});
  const runsDir = join(repoRoot, RUNS_DIR);
  const dir = join(runsDir, runId);
  const eventsPath = join(dir, "events.ndjson");
  await Deno.mkdir(dir, { recursive: true });
  await pruneRuns(runsDir, runId, retention, warn);

  let file: AppendFile | null = null;
  let length = 0;
  let failing = false;
  // Serialises writes so concurrent record() calls never interleave partial lines.
  let queue: Promise<void> = Promise.resolve();

  const append = async (line: string) => {
    try {
      if (file === null) {
        file = await realFs.openAppend(eventsPath, 0o666);
        length = (await Deno.stat(eventsPath)).size;
      }
      length += await appendDurable(file, eventsPath, line, { length, sync: false });
      if (failing) warn(`Run record ${eventsPath} is writable again.`);
      failing = false;
    } catch (error) {
      safeClose(file);
      file = null;
      // One warning per failure streak: a full disk must not flood the terminal.
      if (!failing) {
        warn(`Cannot append to run record ${eventsPath} as the write failed: ${errorMessage(error)}`);
      }
      failing = true;
    }
  };
  const enqueue = (task: () => Promise<void>) => (queue = queue.then(task, task));

  return {
    dir,
    record(event) {
      return enqueue(() => append(JSON.stringify(event) + "\n"));
    },
    finish(summary) {
      return enqueue(async () => {
        safeClose(file);
        file = null;
        try {
          await writeFileAtomic(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
        } catch (error) {
          warn(`Cannot write run summary ${join(dir, "summary.json")} as the write failed: ${errorMessage(error)}`);
        }
      });
    },
    close() {
      return enqueue(() => {
        safeClose(file);
        file = null;
        return Promise.resolve();
      });
    },
  };
}

/** Lists the run ids under `.kittify/runs/`, oldest first (run ids sort by time). */
export function listRuns(repoRoot: string): Promise<string[]> {
  return listRunDirs(join(repoRoot, RUNS_DIR));
}

async function listRunDirs(runsDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (entry.isDirectory && RUN_ID_PATTERN.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return names.sort();
}

/**
 * Reads a run (the last one when `runId` is omitted). Returns null when there is no run at all,
 * or when the named run does not exist.
 */
export async function readRun(repoRoot: string, runId?: string): Promise<RunRecord | null> {
  let id = runId;
  if (id === undefined) {
    id = (await listRuns(repoRoot)).at(-1);
    if (id === undefined) return null;
  }
  assertRunId(id);
  const dir = join(repoRoot, RUNS_DIR, id);
  try {
    if (!(await Deno.stat(dir)).isDirectory) return null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const { events, skipped } = parseEvents(await readOptional(join(dir, "events.ndjson")) ?? "");
  const summaryText = await readOptional(join(dir, "summary.json"));
  let summary: RunSummary | null = null;
  if (summaryText !== null) {
    try {
      summary = JSON.parse(summaryText) as RunSummary;
    } catch {
      summary = null;
    }
  }
  return { runId: id, dir, events, summary, skippedLines: skipped };
}

/** Parses NDJSON events, skipping lines that are not JSON objects with a `type` (e.g. a torn last line). */
export function parseEvents(text: string): { events: RunEvent[]; skipped: number } {
  const events: RunEvent[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string") {
        events.push(value as RunEvent);
      } else skipped++;
    } catch {
      skipped++;
    }
  }
  return { events, skipped };
}

/** Which run directories to delete so that at most `retention` remain, never `current`. Pure. */
export function runsToPrune(existing: readonly string[], current: string, retention: number): string[] {
  const keep = Math.max(1, Math.floor(Number.isFinite(retention) ? retention : Number.MAX_SAFE_INTEGER));
  const all = [...new Set([...existing, current])].sort();
  const others = all.filter((name) => name !== current);
  const excess = all.length - keep;
  return excess > 0 ? others.slice(0, Math.min(excess, others.length)) : [];
}

async function pruneRuns(runsDir: string, current: string, retention: number, warn: (m: string) => void) {
  let existing: string[];
  try {
    existing = await listRunDirs(runsDir);
  } catch (error) {
    warn(`Cannot list old run records in ${runsDir} as reading the directory failed: ${errorMessage(error)}`);
    return;
  }
  for (const name of runsToPrune(existing, current, retention)) {
    try {
      await Deno.remove(join(runsDir, name), { recursive: true });
    } catch (error) {
      warn(`Cannot prune old run record ${join(runsDir, name)} as removing it failed: ${errorMessage(error)}`);
    }
  }
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function safeClose(file: AppendFile | null): void {
  try {
    file?.close();
  } catch {
    // Already closed: nothing to do.
  }
}
