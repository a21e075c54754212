/**
 * Emulating older hosts: the built-in host can answer as a spec-kitty host of any era does
 * (`host --emulate <era>` or `SKO_BUILTIN_EMULATE=<era>`), so the conformance suite and the
 * end-to-end matrix run every era without Python. The eras and what differs are in
 * `src/host/era.ts`; this module holds the pure rules the handlers share.
 *
 * @module
 */
import { type EraProfile, eraProfile, ERAS } from "../host/era.ts";
import { type EraId, isEraId } from "../domain/host.ts";
import { HostFailure } from "./failure.ts";

/** Environment variable that selects the emulated era (the `--emulate` flag wins). */
export const EMULATE_ENV = "SKO_BUILTIN_EMULATE";

/** The era to emulate for `value` (unset or empty: contract 1.3). */
export function emulatedEra(value: string | undefined): EraProfile {
  if (value === undefined || value.trim() === "") return ERAS["1.3"];
  const id = value.trim();
  if (!isEraId(id)) {
    throw new HostFailure(
      "USAGE_ERROR",
      `Invalid value for '--emulate': '${id}' is not one of ${Object.keys(ERAS).map((e) => `'${e}'`).join(", ")}.`,
      {},
      2,
    );
  }
  return eraProfile(id as EraId);
}

const IDENTITY_KEYS = ["mission_slug", "mission_number", "mission_type"];

/**
 * A 1.3-shaped payload as the era's host prints it: the feature era names the mission only as
 * `feature_slug` and has no `in_review` lane in its summary.
 */
export function eraPayload(era: EraProfile, data: Record<string, unknown>): Record<string, unknown> {
  let out = data;
  if (era.missionFlag === "--feature" && typeof data.mission_slug === "string") {
    out = { feature_slug: data.mission_slug };
    for (const [k, v] of Object.entries(data)) if (!IDENTITY_KEYS.includes(k)) out[k] = v;
  }
  if (!era.inReviewLane && typeof out.summary === "object" && out.summary !== null) {
    const { in_review: _dropped, ...rest } = out.summary as Record<string, unknown>;
    out = { ...out, summary: rest };
  }
  return out;
}

/** The failure `data` an era prints: before 1.3 `message` is dropped whenever structured fields exist. */
export function eraFailureData(era: EraProfile, failure: HostFailure): Record<string, unknown> {
  if (era.errorMessages || Object.keys(failure.fields).length === 0) return eraPayload(era, failure.data());
  // The feature era's refusals name no feature at all (`{"claimed_by": ..., "requesting_actor": ...}`).
  const fields = era.missionFlag === "--feature"
    ? Object.fromEntries(Object.entries(failure.fields).filter(([k]) => !IDENTITY_KEYS.includes(k)))
    : { ...failure.fields };
  return eraPayload(era, fields);
}

/**
 * The lines of `wpId`'s section of tasks.md: from its `## …WPnn…` heading to the next heading
 * that ends it (the feature era reads to the next `## `; the mission era stops at any `##`-`####`
 * heading, so boxes under a `###` sub-heading are not seen, as on those hosts).
 */
function wpSection(tasksMd: string, wpId: string, era: EraProfile): string[] | null {
  const lines = tasksMd.split(/\r?\n/);
  const id = new RegExp(`\\b${wpId}\\b`);
  const start = lines.findIndex((l) => /^## /.test(l) && id.test(l));
  if (start === -1) return null;
  const ends = era.missionFlag === "--feature" ? /^## / : /^#{2,4} /;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => ends.test(l));
  return end === -1 ? rest : rest.slice(0, end);
}

/**
 * The pre-1.3 subtask gate: complete unless `wpId`'s section of tasks.md has an unchecked
 * `- [ ]` row (no tasks.md or no section counts as complete, as on the real hosts).
 */
export function checkboxesComplete(tasksMd: string | null, wpId: string, era: EraProfile): boolean {
  if (tasksMd === null) return true;
  const section = wpSection(tasksMd, wpId, era);
  return section === null || !section.some((l) => /^\s*[-*] \[ \]/.test(l));
}

/** Result of {@link markCheckboxes}. */
export interface CheckboxMarks {
  text: string;
  updated: string[];
  alreadySatisfied: string[];
  notFound: string[];
}

/** Flips the `- [ ] <ID>` rows of `ids` to `[x]` (done) or `[ ]` (pending) in tasks.md. Pure. */
export function markCheckboxes(tasksMd: string, ids: readonly string[], status: string): CheckboxMarks {
  const lines = tasksMd.split("\n");
  const box = status === "done" ? "x" : " ";
  const out: CheckboxMarks = { text: tasksMd, updated: [], alreadySatisfied: [], notFound: [] };
  for (const id of ids) {
    const row = new RegExp(`^(\\s*[-*] \\[)([ xX])(\\] ${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b)`);
    const i = lines.findIndex((l) => row.test(l));
    if (i === -1) {
      out.notFound.push(id);
      continue;
    }
    const line = lines[i] ?? "";
    const current = row.exec(line)?.[2] ?? " ";
    if ((current.toLowerCase() === "x") === (box === "x")) {
      out.alreadySatisfied.push(id);
      continue;
    }
    lines[i] = line.replace(row, `$1${box}$3`);
    out.updated.push(id);
  }
  out.text = lines.join("\n");
  return out;
}

/** Subtask id → `done`/`pending` for every checkbox row of `wpId`'s section (engine-side check). */
export function checkboxMarks(tasksMd: string, wpId: string, era: EraProfile): Record<string, string> | null {
  const section = wpSection(tasksMd, wpId, era);
  if (section === null) return null;
  const marks: Record<string, string> = {};
  for (const line of section) {
    const m = /^\s*[-*] \[([ xX])\] (T[0-9]+)\b/.exec(line);
    if (m?.[2] !== undefined) marks[m[2]] = m[1] === " " ? "pending" : "done";
  }
  return marks;
}
