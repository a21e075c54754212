/**
 * Review verdicts: an explicit, parsed verdict, never an exit code (reference weakness 1).
 *
 * A reviewer's final message must end with a line `VERDICT: APPROVED` or
 * `VERDICT: CHANGES_REQUESTED`, or be the structured object `{"verdict": …, "feedback": …}`
 * (Claude `structured_output`, Codex `--output-schema`). Anything else is `null`, which the
 * engine treats as a reviewer failure (`no_output`), never as approval or rejection. A message
 * holding both verdict lines is `null` too ({@link missingVerdictReason} says why).
 *
 * @module
 */
import type { ReviewVerdict } from "../domain/agent.ts";

/**
 * JSON schema of the structured verdict, for `claude --json-schema` / `codex --output-schema`
 * (OpenAI strict rules: every property required, no extra properties).
 */
export const VERDICT_JSON_SCHEMA = {
  type: "object",
  properties: {
    verdict: { type: "string", enum: ["approved", "changes_requested"] },
    feedback: { type: "string" },
  },
  required: ["verdict", "feedback"],
  additionalProperties: false,
} as const;

/** {@link VERDICT_JSON_SCHEMA} as the text of a schema file. */
export const VERDICT_JSON_SCHEMA_TEXT: string = JSON.stringify(VERDICT_JSON_SCHEMA, null, 2) + "\n";

type Verdict = ReviewVerdict["verdict"];

function normalizeVerdict(value: string): Verdict | null {
  const v = value.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (v === "approved") return "approved";
  if (v === "changes_requested") return "changes_requested";
  return null;
}

/** The verdict on a line like `**VERDICT:** \`APPROVED\``, else null. */
function lineVerdict(line: string): Verdict | null {
  const bare = line.replace(/[*`]/g, "").replace(/^[\s>#-]+/, "").trim();
  const m = /^verdict\s*[:=]\s*(approved|changes[\s_-]requested)\s*[.!]?$/i.exec(bare);
  return m ? normalizeVerdict(m[1] ?? "") : null;
}

function fromObject(value: unknown): ReviewVerdict | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const verdict = typeof o["verdict"] === "string" ? normalizeVerdict(o["verdict"]) : null;
  if (!verdict) return null;
  let feedback = typeof o["feedback"] === "string" ? o["feedback"] : "";
  const findings = o["findings"];
  if (feedback === "" && Array.isArray(findings)) {
    feedback = findings.map((f) => `- ${typeof f === "string" ? f : JSON.stringify(f)}`).join("\n");
  }
  return { verdict, feedback: feedback.trim() };
}

/** Parses a reviewer's final message; see the module doc. Null when missing or not decidable. */
export function parseVerdict(text: string): ReviewVerdict | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const structured = fromObject(JSON.parse(trimmed));
      if (structured) return structured;
    } catch {
      // Not JSON: fall through to the verdict line.
    }
  }
  const lines = trimmed.split(/\r?\n/);
  if (conflictingLines(lines) !== null) return null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const verdict = lineVerdict(lines[i] ?? "");
    if (!verdict) continue;
    const after = lines.slice(i + 1).join("\n").trim();
    const before = lines.slice(0, i).join("\n").trim();
    return { verdict, feedback: after !== "" ? after : before };
  }
  return null;
}

/** The 1-based lines of the last approval and the last change request, when both are present. */
function conflictingLines(lines: readonly string[]): { approved: number; changes: number } | null {
  let approved = 0;
  let changes = 0;
  lines.forEach((line, i) => {
    const verdict = lineVerdict(line);
    if (verdict === "approved") approved = i + 1;
    if (verdict === "changes_requested") changes = i + 1;
  });
  return approved > 0 && changes > 0 ? { approved, changes } : null;
}

/**
 * Why {@link parseVerdict} found no verdict in `text`, for the attempt's failure message: none at
 * all, or both verdicts (a reviewer that says both has decided nothing; taking the last one
 * would silently pick for it).
 */
export function missingVerdictReason(text: string): string {
  const both = conflictingLines(text.trim().split(/\r?\n/));
  if (both === null) return "reviewer finished without a verdict";
  return `reviewer gave both verdicts (VERDICT: APPROVED on line ${both.approved}, VERDICT: CHANGES_REQUESTED on ` +
    `line ${both.changes} of its final message); treated as no verdict`;
}
