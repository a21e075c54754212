/**
 * What the orchestrator adds around one agent CLI run, from timestamps taken outside it (pure
 * arithmetic and the two stamping wrappers):
 *
 * - a wrapper in front of the agent binary stamps when the CLI process started and when it exited;
 * - a wrapper in place of our own command (`SKO_SELF_COMMAND`) stamps every built-in host call's
 *   start and end;
 * - the model server stamps every request it receives.
 *
 * Per attempt, the orchestrator's share is **before** (the end of the host call that preceded
 * the spawn → the CLI process started: prompt, state save, workspace probe, spawn) plus
 * **after** (the CLI exited → the next host call started: output parse, commit, state save).
 * The CLI's own startup (its process start → its first model request) is reported beside it but
 * is not ours. Host calls the agent itself makes (its `mark-status` lines) and the orchestrator's
 * heartbeat reads while the agent runs are inside the span and do not count; nor does the
 * preflight's `<cli> --version`.
 *
 * @module
 */

/** One stamp (times: epoch ms, sub-millisecond). */
export type Stamp =
  | { kind: "agent_start" | "agent_end" | "host_start" | "host_end"; at: number; id: number; args: string }
  | { kind: "model_request"; at: number };

/** One agent run, measured. */
export interface AttemptOverhead {
  /** Previous host call's end → CLI start (ms); null when no host call preceded it. */
  beforeMs: number | null;
  /** CLI exit → next host call's start (ms); null when none followed. */
  afterMs: number | null;
  /** CLI start → its first model request (ms): the CLI's own startup; null when it sent none. */
  cliStartupMs: number | null;
  /** The CLI's whole run (ms). */
  cliMs: number;
  /** When the CLI process started (epoch ms). */
  startAt: number;
}

/** True for an agent run that is an attempt (not the preflight's `--version`). */
export function isAttempt(args: string): boolean {
  return args.trim() !== "--version";
}

/** True for host calls the orchestrator makes (not an agent's `agent tasks mark-status`). */
export function isOrchestratorHostCall(args: string): boolean {
  return /(^|\s)orchestrator-api(\s|$)/.test(args);
}

/** Pairs start/end stamps by id. */
function spans(stamps: readonly Stamp[], start: Stamp["kind"], end: Stamp["kind"], keep: (s: Stamp) => boolean) {
  const open = new Map<number, number>();
  const out: { start: number; end: number }[] = [];
  for (const s of [...stamps].sort((a, b) => a.at - b.at)) {
    if (!("id" in s) || !keep(s)) continue;
    if (s.kind === start) open.set(s.id, s.at);
    else if (s.kind === end) {
      const at = open.get(s.id);
      if (at !== undefined) out.push({ start: at, end: s.at });
      open.delete(s.id);
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The overhead of each agent run in `stamps` (any order), in start order. */
export function attemptOverheads(stamps: readonly Stamp[]): AttemptOverhead[] {
  const agents = spans(stamps, "agent_start", "agent_end", (s) => "args" in s && isAttempt(s.args));
  const hosts = spans(
    stamps,
    "host_start",
    "host_end",
    (s) => !("args" in s) || isOrchestratorHostCall(s.args),
  );
  const requests = stamps.filter((s) => s.kind === "model_request").map((s) => s.at).sort((a, b) => a - b);
  return agents.map((a) => {
    const before = hosts.filter((h) => h.end <= a.start).map((h) => h.end);
    const after = hosts.filter((h) => h.start >= a.end).map((h) => h.start);
    const firstRequest = requests.find((t) => t >= a.start && t <= a.end);
    return {
      beforeMs: before.length === 0 ? null : a.start - Math.max(...before),
      afterMs: after.length === 0 ? null : Math.min(...after) - a.end,
      cliStartupMs: firstRequest === undefined ? null : firstRequest - a.start,
      cliMs: a.end - a.start,
      startAt: a.start,
    };
  });
}

/** Where one attempt's overhead went, split at the engine's attempt_started/attempt_finished events. */
export interface OverheadSplit {
  /** Previous host call's end → attempt_started: the engine's preparation (prompt, checks, state save). */
  prepareMs: number | null;
  /** attempt_started → CLI process start: the spawn path (env, log file, process start). */
  spawnMs: number;
  /** CLI exit → attempt_finished: the runner's wrap-up (pipes drained, group reaped, output parsed). */
  wrapUpMs: number;
  /** attempt_finished → next host call's start: the engine's bookkeeping (commit, state save). */
  nextCallMs: number | null;
}

/**
 * Splits each attempt at the engine's own events (epoch ms, in attempt order; the events have
 * millisecond resolution). Attempts without both events are left out.
 */
export function splitOverheads(
  attempts: readonly AttemptOverhead[],
  startedAt: readonly number[],
  finishedAt: readonly number[],
): OverheadSplit[] {
  return attempts.flatMap((a, i) => {
    const started = startedAt[i];
    const finished = finishedAt[i];
    if (started === undefined || finished === undefined) return [];
    const end = a.startAt + a.cliMs;
    return [{
      prepareMs: a.beforeMs === null ? null : a.beforeMs - (a.startAt - started),
      spawnMs: a.startAt - started,
      wrapUpMs: finished - end,
      nextCallMs: a.afterMs === null ? null : a.afterMs - (finished - end),
    }];
  });
}

/** Parses a stamp log written by the wrappers (`<kind> <epoch s.µs> <id> [args...]`); bad lines are skipped. */
export function parseStamps(text: string): Stamp[] {
  const out: Stamp[] = [];
  for (const line of text.split("\n")) {
    const [kind, at, id, ...rest] = line.trim().split(" ");
    const ms = Number(at) * 1000;
    if (!Number.isFinite(ms) || id === undefined || !/^\d+$/.test(id)) continue;
    if (kind === "agent_start" || kind === "agent_end" || kind === "host_start" || kind === "host_end") {
      out.push({ kind, at: ms, id: Number(id), args: rest.join(" ") });
    }
  }
  return out;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * A bash wrapper that stamps `<prefix>_start`/`<prefix>_end` into `log` around `target` (stdin,
 * stdout, stderr and the exit code pass through). `$EPOCHREALTIME` is a bash builtin: no
 * process is spawned for a stamp, so the wrapper adds about one bash start to each call.
 */
export function stampWrapper(prefix: "agent" | "host", target: readonly string[], log: string): string {
  return `#!/usr/bin/env bash
id="$$"
printf '${prefix}_start %s %s %s\\n' "$EPOCHREALTIME" "$id" "$*" >> ${shellQuote(log)}
${target.map(shellQuote).join(" ")} "$@"
code=$?
printf '${prefix}_end %s %s %s\\n' "$EPOCHREALTIME" "$id" "$*" >> ${shellQuote(log)}
exit "$code"
`;
}
