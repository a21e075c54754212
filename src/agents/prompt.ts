/**
 * Prompts for implementers and reviewers (pure).
 *
 * The implementer gets the WP prompt with the subtask-completion protocol first (one
 * mark-status command per subtask, shell-quoted) and, on rework, the reviewer's feedback.
 * The reviewer gets a dedicated brief (reference weakness 2): its role, what to check, the WP,
 * the lane diff, the acceptance criteria, and the exact verdict format.
 *
 * @module
 */
import { isValidSubtaskId } from "../domain/ids.ts";
import { shellJoin } from "../core/shell_quote.ts";

/** Diffs larger than this are cut in review prompts (with a note). */
export const REVIEW_DIFF_MAX_BYTES = 200 * 1024;

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1).trim();
  return v;
}

/**
 * Subtask ids from the WP's YAML frontmatter `subtasks:` key (block or inline list), as the
 * reference extracts them; unsafe ids (e.g. `T001;touch-pwned`) are dropped.
 */
export function extractSubtasks(wpMarkdown: string): string[] {
  const lines = wpMarkdown.replace(/^\uFEFF/, "").split(/\r?\n/);
  if ((lines[0] ?? "").trim() !== "---") return [];
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === "---");
  if (end < 0) return [];
  const body = lines.slice(1, end);
  const start = body.findIndex((l) => /^subtasks:\s*(\[.*\])?\s*$/.test(l.trim()));
  if (start < 0) return [];
  const inline = /^subtasks:\s*\[(.*)\]\s*$/.exec((body[start] ?? "").trim());
  let values: string[];
  if (inline) {
    values = (inline[1] ?? "").split(",");
  } else {
    values = [];
    for (const line of body.slice(start + 1)) {
      const m = /^\s*-\s+(.*)$/.exec(line);
      if (!m) break;
      values.push(m[1] ?? "");
    }
  }
  return values.map(unquote).filter((v) => v !== "" && isValidSubtaskId(v));
}

/** Input of {@link buildImplementPrompt}. */
export interface ImplementPromptInput {
  wpMarkdown: string;
  mission: string;
  wp: string;
  subtasks: readonly string[];
  /** argv prefix of the host CLI, e.g. `["spec-kitty"]` or our built-in host command. */
  markStatusCommand: readonly string[];
  /** How the host's mark-status names the mission: `--feature` on feature-era hosts. @default "--mission" */
  missionFlag?: string;
  /** Reviewer feedback to address (rework). */
  feedback?: string;
}

/** The implementer prompt; see the module doc. */
export function buildImplementPrompt(input: ImplementPromptInput): string {
  const parts: string[] = [];
  if (input.subtasks.length > 0) {
    const commands = input.subtasks.map((id) =>
      "    " +
      shellJoin([
        ...input.markStatusCommand,
        "agent",
        "tasks",
        "mark-status",
        id,
        "--status",
        "done",
        input.missionFlag ?? "--mission",
        input.mission,
      ])
    );
    parts.push(
      "## Agent Subtask Completion Protocol\n\n" +
        `This work package (${input.wp}) has ${input.subtasks.length} subtask(s). Right after you finish EACH ` +
        "subtask, run its command below (do not wait until the end, and do not mark a subtask you did not finish):\n\n" +
        commands.join("\n") +
        "\n\nThis keeps the mission dashboard's progress accurate.\n\n---\n",
    );
  }
  if (input.feedback !== undefined && input.feedback.trim() !== "") {
    parts.push(
      "## Review Feedback (address before resubmitting)\n\n" +
        "A reviewer requested changes to your previous implementation. Address every point below:\n\n" +
        input.feedback.trim() + "\n\n---\n",
    );
  }
  parts.push(input.wpMarkdown);
  return parts.join("\n");
}

/** Input of {@link buildReviewPrompt}. */
export interface ReviewPromptInput {
  wpMarkdown: string;
  mission: string;
  wp: string;
  /** The lane diff since the implementation base. */
  diff: string;
  subtasks: readonly string[];
  /** Acceptance criteria text, when the WP or mission states them separately. */
  acceptance?: string;
  /** Cap on the diff in bytes. @default REVIEW_DIFF_MAX_BYTES */
  maxDiffBytes?: number;
}

function capDiff(diff: string, maxBytes: number): { text: string; note: string } {
  const bytes = new TextEncoder().encode(diff);
  if (bytes.length <= maxBytes) return { text: diff, note: "" };
  const cut = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return {
    text: cut,
    note: `\n(The diff is ${bytes.length} bytes; only the first ${maxBytes} bytes are shown. ` +
      "Run `git diff` in the workspace to see the rest.)\n",
  };
}

/** A code fence longer than any backtick run in `text`. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(longest + 1);
}

/** The reviewer prompt; see the module doc. */
export function buildReviewPrompt(input: ReviewPromptInput): string {
  const { text, note } = capDiff(input.diff, input.maxDiffBytes ?? REVIEW_DIFF_MAX_BYTES);
  const fence = fenceFor(text);
  const criteria: string[] = [];
  if (input.acceptance !== undefined && input.acceptance.trim() !== "") criteria.push(input.acceptance.trim());
  if (input.subtasks.length > 0) {
    criteria.push("Subtasks that must be complete:\n" + input.subtasks.map((s) => `- ${s}`).join("\n"));
  }
  if (criteria.length === 0) criteria.push("See the work package below: everything it asks for must be done.");
  return [
    `# Code review of ${input.wp} (mission ${input.mission})`,
    "",
    "You are the REVIEWER, not the implementer. Another agent implemented the work package below; " +
    "decide whether its changes are ready to be accepted.",
    "",
    "Rules: this is a read-only review. Do not modify, create or delete files, do not commit, and do not " +
    "run any task or status commands. You may read files and run read-only commands such as `git diff`, " +
    "`git log` and `git show`.",
    "",
    "## What to check",
    "",
    "- The changes do everything the work package asks, and nothing unrelated.",
    "- Every acceptance criterion and subtask below is met.",
    "- Tests exist for the new behaviour and would catch obvious regressions.",
    "- No bugs, security problems, leftover debug code or secrets.",
    "",
    "## Acceptance criteria",
    "",
    ...criteria,
    "",
    "## Work package",
    "",
    input.wpMarkdown.trim(),
    "",
    "## Changes under review (diff since the implementation base)",
    "",
    text.trim() === ""
      ? "(The diff is empty: nothing was changed.)"
      : `${fence}diff\n${text.replace(/\n$/, "")}\n${fence}`,
    note,
    "## Your answer",
    "",
    "End your final message with exactly one verdict line, on its own line:",
    "",
    "VERDICT: APPROVED",
    "",
    "or",
    "",
    "VERDICT: CHANGES_REQUESTED",
    "",
    "followed by your feedback: for changes requested, a concrete list of what must change (files, " +
    "behaviour, missing tests) so the implementer can fix it without asking questions.",
    "",
  ].join("\n");
}
