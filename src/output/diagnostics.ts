/**
 * The diagnostic log of a run: `.kittify/runs/<run id>/orchestrator.log`, one timestamped line
 * per host call, dispatch, attempt, lane change, failed state save or signal, for the person
 * reading what happened overnight. Terminal output stays with src/output/terminal.ts; this
 * module never writes to the console.
 *
 * Built on `@logtape/logtape`: code logs through {@link diagnosticsLogger} (categories under
 * `sko`), and one sink routes the records to the open run logs. Records logged before a run log
 * is open (the contract check and the mission preflight happen before the run id exists) are kept
 * in a small buffer and written at the top of the next run log. What is logged is chosen here
 * and by the callers: subcommands, durations, outcomes and error codes — never the policy JSON,
 * prompts or environment.
 *
 * @module
 */
import { configureSync, getLogger, type Logger, type LogLevel, type LogRecord, resetSync } from "@logtape/logtape";
import { escapeForeign } from "../core/escape.ts";

/** Root category of every orchestrator logger. */
export const DIAGNOSTICS_CATEGORY = "sko";
/** File name of the diagnostic log inside a run directory. */
export const DIAGNOSTICS_FILE = "orchestrator.log";
/** Lines kept while no run log is open. */
const MAX_PENDING_LINES = 200;

/** One open run log. */
export interface DiagnosticLog {
  /** Absolute path of the log file. */
  readonly path: string;
  /** Stops writing to the file and closes it; the last close resets logtape. Idempotent. */
  close(): void;
}

interface Target {
  readonly path: string;
  file: Deno.FsFile | null;
}

const encoder = new TextEncoder();
const targets = new Set<Target>();
let pending: string[] = [];
let configured = false;

/** The logger for one area (`host`, `engine`, `run`...), under {@link DIAGNOSTICS_CATEGORY}. */
export function diagnosticsLogger(area: string): Logger {
  return getLogger([DIAGNOSTICS_CATEGORY, area]);
}

/**
 * Starts collecting diagnostics for a run that is being prepared: configures logtape once and,
 * when no run log is open, forgets lines left by an earlier preparation (e.g. a dry run).
 */
export function beginDiagnostics(): void {
  if (targets.size === 0) pending = [];
  ensureConfigured();
}

function ensureConfigured(): void {
  if (configured) return;
  configureSync({
    reset: true,
    sinks: { runLog: routeRecord },
    loggers: [
      { category: [DIAGNOSTICS_CATEGORY], sinks: ["runLog"], lowestLevel: "debug" },
      // Configuring the meta logger keeps logtape from adding a console sink of its own.
      { category: ["logtape", "meta"], sinks: ["runLog"], lowestLevel: "warning" },
    ],
  });
  configured = true;
}

/**
 * Opens (appends to) the log at `path` and writes the lines buffered so far to it.
 *
 * @throws {Deno.errors.NotFound} and other file errors when the file cannot be opened.
 */
export function openDiagnosticLog(path: string): DiagnosticLog {
  ensureConfigured();
  const target: Target = { path, file: Deno.openSync(path, { append: true, create: true }) };
  targets.add(target);
  const buffered = pending;
  pending = [];
  for (const line of buffered) write(target, line);
  let closed = false;
  return {
    path,
    close() {
      if (closed) return;
      closed = true;
      targets.delete(target);
      safeClose(target);
      if (targets.size === 0 && configured) {
        resetSync();
        configured = false;
        pending = [];
      }
    },
  };
}

/** The sink: formats a record and appends it to every open run log (or buffers it). */
function routeRecord(record: LogRecord): void {
  const line = formatRecord(record);
  if (targets.size === 0) {
    pending.push(line);
    if (pending.length > MAX_PENDING_LINES) pending.shift();
    return;
  }
  for (const target of targets) write(target, line);
}

/** Writes one line; a failing file is closed and skipped from then on (logging never breaks a run). */
function write(target: Target, line: string): void {
  if (target.file === null) return;
  try {
    const bytes = encoder.encode(line);
    let offset = 0;
    while (offset < bytes.length) offset += target.file.writeSync(bytes.subarray(offset));
  } catch {
    safeClose(target);
  }
}

function safeClose(target: Target): void {
  try {
    target.file?.close();
  } catch {
    // Already closed.
  }
  target.file = null;
}

const LEVEL_LABELS: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO ",
  warning: "WARN ",
  error: "ERROR",
  fatal: "FATAL",
};

/**
 * `2026-11-21T11:15:54.123Z INFO  host: mission-state ok in 120 ms (attempt 1)`: one line per
 * record; values are rendered plainly (strings unquoted, others as JSON) with newlines and every
 * other control character escaped (agent and host text lands here: `cat`-ing the log must be safe).
 */
export function formatRecord(record: LogRecord): string {
  let message = "";
  record.message.forEach((part, i) => {
    message += i % 2 === 0 ? String(part) : renderValue(part);
  });
  const area = record.category.slice(1).join(".") || record.category.join(".");
  const when = new Date(record.timestamp).toISOString();
  return `${when} ${LEVEL_LABELS[record.level]} ${area}: ${escapeForeign(message)}\n`;
}

function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
