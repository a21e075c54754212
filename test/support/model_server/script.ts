/**
 * The model's script (pure): given a {@link Turn}, the next {@link Action}.
 *
 * - An implementation prompt (ours: the WP markdown, optionally led by the "Agent Subtask
 *   Completion Protocol" and "Review Feedback" sections) makes the model write the WP's first
 *   `owned_files` entry with the CLI's own write tool (on rework: append a line with the shell
 *   tool, because some write tools refuse to overwrite a file they have not read), then run each
 *   protocol `mark-status` line with the shell tool, then finish with a short text.
 * - A review prompt ("You are the REVIEWER") gets a verdict: approved, or changes requested for
 *   the first `rejectTimes` reviews of a WP named in {@link ScriptKnobs.reject}; as structured
 *   output when the CLI asked for it, else as a `VERDICT:` line.
 * - Anything else (a CLI's side request, e.g. opencode's title generator) gets a short text.
 *
 * How far the script got is the number of tool results the conversation carries: the CLI sends
 * the whole conversation every time, so no server-side session is needed.
 *
 * @module
 */
import type { Action, RequestRole, Turn } from "./types.ts";

/** Knobs of the script. */
export interface ScriptKnobs {
  /** WPs whose first reviews request changes. */
  reject?: readonly string[];
  /** How many reviews of each `reject` WP request changes. @default 1 */
  rejectTimes?: number;
  /** Answer reviews as plain text even when the CLI asked for structured output. */
  reviewAsText?: boolean;
}

/** The review feedback a rejecting review gives (the rework prompt must carry it back). */
export const REJECT_FEEDBACK = "The file lacks a usage example; add one and resubmit.";

/** The role of a turn, read from its prompt. */
export function roleOf(turn: Pick<Turn, "prompt" | "system">): RequestRole {
  if (/You are the REVIEWER/.test(turn.prompt)) return "review";
  if (/work_package_id:|Agent Subtask Completion Protocol/.test(turn.prompt)) return "implement";
  return "side";
}

/** The WP a prompt is about (`WP01`), or "". */
export function wpOf(prompt: string): string {
  const m = /work_package_id:\s*"?(WP\d+)/.exec(prompt) ?? /Code review of (WP\d+)/.exec(prompt) ??
    /\b(WP\d{2,})\b/.exec(prompt);
  return m?.[1] ?? "";
}

/** The first `owned_files` entry of the WP frontmatter in `prompt`, else `IMPLEMENTED-<wp>.md`. */
export function ownedFileOf(prompt: string, wp: string): string {
  const inline = /^owned_files:\s*\[\s*"?([^",\]]+)"?/m.exec(prompt);
  if (inline?.[1]) return inline[1].trim();
  const block = /^owned_files:\s*\n\s*-\s*"?([^"\n]+)"?/m.exec(prompt);
  if (block?.[1]) return block[1].trim();
  return `IMPLEMENTED-${wp || "WP"}.md`;
}

/** The indented mark-status command lines of the prompt's subtask protocol, in order. */
export function markStatusCommands(prompt: string): string[] {
  const start = prompt.indexOf("## Agent Subtask Completion Protocol");
  if (start < 0) return [];
  const rest = prompt.slice(start);
  const end = rest.search(/^---\s*$/m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section.split(/\r?\n/).filter((l) => /^\s+\S/.test(l) && l.includes("mark-status")).map((l) => l.trim());
}

/** The implementation steps for a prompt, in order; the last is the closing text. */
export function implementSteps(prompt: string): Action[] {
  const wp = wpOf(prompt);
  const path = ownedFileOf(prompt, wp);
  const rework = prompt.includes("## Review Feedback");
  const first: Action = rework
    ? { kind: "shell", command: `printf '%s\\n' 'rework: usage example added' >> '${path}'` }
    : { kind: "write", path, content: `${wp} implemented\n` };
  return [
    first,
    ...markStatusCommands(prompt).map((command): Action => ({ kind: "shell", command })),
    { kind: "text", text: `Implemented ${wp}: wrote ${path}${rework ? " (rework)" : ""} and marked its subtasks.` },
  ];
}

/** Mutable state of a script across requests: reviews seen per WP. */
export class Script {
  #reviews = new Map<string, number>();
  /** Knobs, changeable between requests. */
  knobs: ScriptKnobs;

  /** A script with the given knobs. */
  constructor(knobs: ScriptKnobs = {}) {
    this.knobs = knobs;
  }

  /** The next action for `turn`. A review's verdict is decided once per review run (first turn). */
  next(turn: Turn): Action {
    const role = roleOf(turn);
    if (role === "implement") {
      const steps = implementSteps(turn.prompt);
      return steps[Math.min(turn.toolResults.length, steps.length - 1)]!;
    }
    if (role === "review") return this.#verdict(turn);
    return { kind: "text", text: "Work package run" };
  }

  #verdict(turn: Turn): Action {
    const wp = wpOf(turn.prompt);
    // One verdict per review run: count a review when its conversation starts.
    const seen = this.#reviews.get(wp) ?? 0;
    const fresh = turn.toolResults.length === 0 && (turn.modelTurns ?? 0) === 0;
    const count = fresh ? seen + 1 : Math.max(seen, 1);
    this.#reviews.set(wp, count);
    const rejects = (this.knobs.reject ?? []).includes(wp) && count <= (this.knobs.rejectTimes ?? 1);
    const verdict = rejects ? "changes_requested" : "approved";
    const feedback = rejects ? REJECT_FEEDBACK : "Looks good: the owned file is written and every subtask is marked.";
    if (turn.structured && !this.knobs.reviewAsText) return { kind: "structured", value: { verdict, feedback } };
    return {
      kind: "text",
      text: `Review of ${wp}.\n\n${feedback}\n\nVERDICT: ${rejects ? "CHANGES_REQUESTED" : "APPROVED"}`,
    };
  }

  /** How many review runs each WP has had. */
  reviews(): ReadonlyMap<string, number> {
    return this.#reviews;
  }
}
