/**
 * `agent tasks mark-status <ID...> --status done --mission M [--json]`: the command agents run
 * after each subtask (the for_review guard reads these marks). Appends one
 * `{"subtasks": {"T001": "done"}}` annotation per WP, under the mission lock.
 *
 * @module
 */
import { HostFailure } from "./failure.ts";
import { type HostContext, mutate } from "./context.ts";
import { nowIso } from "./envelope.ts";
import { type AnnotationEvent, newAnnotation, withMissionLock } from "./events.ts";
import { pyJson, writeAtomic } from "./json.ts";
import { loadMission } from "./mission.ts";
import { join } from "node:path";
import { type EraProfile, ERAS } from "../host/era.ts";
import { markCheckboxes } from "./emulate.ts";
import { git, identityArgs } from "./git.ts";

/** Statuses a subtask can be marked with. */
export const SUBTASK_STATUSES = ["done", "pending"] as const;

/** One line of the result. */
export interface MarkResult {
  id: string;
  outcome: "updated" | "already_satisfied" | "not_found";
  format?: string;
  message: string;
}

/** What to print and how to exit. */
export interface MarkOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface MarkArgs {
  ids: string[];
  status: string;
  mission: string;
  json: boolean;
}

function parseMarkArgs(args: readonly string[], missionFlag = "--mission"): MarkArgs {
  const ids: string[] = [];
  let status: string | undefined;
  let mission: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? "";
    const [flag, inline] = token.startsWith("--") && token.includes("=")
      ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)]
      : [token, undefined];
    if (flag === "--json") json = true;
    else if (flag === "--status" || flag === missionFlag) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new HostFailure("USAGE_ERROR", `Option '${flag}' requires an argument.`, {}, 2);
      if (flag === "--status") status = value;
      else mission = value;
    } else if (token.startsWith("-")) throw new HostFailure("USAGE_ERROR", `No such option '${flag}'.`, {}, 2);
    else ids.push(token);
  }
  if (ids.length === 0) throw new HostFailure("USAGE_ERROR", "Missing argument 'TASK_IDS...'.", {}, 2);
  if (status === undefined) throw new HostFailure("USAGE_ERROR", "Missing option '--status'.", {}, 2);
  if (!(SUBTASK_STATUSES as readonly string[]).includes(status)) {
    throw new HostFailure(
      "USAGE_ERROR",
      `Invalid value for '--status': '${status}' is not one of ${SUBTASK_STATUSES.map((s) => `'${s}'`).join(", ")}.`,
      {},
      2,
    );
  }
  if (mission === undefined) throw new HostFailure("USAGE_ERROR", `Missing option '${missionFlag}'.`, {}, 2);
  return { ids, status, mission, json };
}

async function mark(ctx: HostContext, args: MarkArgs): Promise<MarkResult[]> {
  const mission = await loadMission(ctx.root, args.mission);
  return await mutate(ctx, mission, ({ states }) => {
    const results: MarkResult[] = [];
    const byWp = new Map<string, Record<string, string>>();
    for (const id of args.ids) {
      const wp = mission.wps.find((w) => w.subtasks.includes(id));
      if (wp === undefined) {
        results.push({ id, outcome: "not_found", message: `${id} is not in any WP's authored subtasks roster.` });
      } else if (states.get(wp.wpId)?.subtasks[id] === args.status || byWp.get(wp.wpId)?.[id] === args.status) {
        results.push({
          id,
          outcome: "already_satisfied",
          format: "authored_roster",
          message: `${id} is already ${args.status} in ${wp.wpId}.`,
        });
      } else {
        byWp.set(wp.wpId, { ...byWp.get(wp.wpId), [id]: args.status });
        results.push({
          id,
          outcome: "updated",
          format: "authored_roster",
          message: `${id} resolved from ${wp.wpId}'s authored subtasks roster.`,
        });
      }
    }
    const at = nowIso(ctx.clock);
    const events: AnnotationEvent[] = [...byWp.entries()].map(([wpId, subtasks]) =>
      newAnnotation(wpId, "mark-status", at, { subtasks }, mission.slug)
    );
    return Promise.resolve({ events, result: results });
  });
}

/**
 * Before contract 1.3 mark-status flips the `- [ ] T001` rows of tasks.md (what those hosts'
 * for_review gate reads) and commits tasks.md on the primary checkout's branch, as those hosts
 * do ("chore: Mark T001 as done on spec 001"), so a later merge finds the checkout clean. The
 * commit is best-effort: the gate reads the file either way.
 */
async function markTasksMd(root: string, args: MarkArgs): Promise<MarkResult[]> {
  const mission = await loadMission(root, args.mission);
  return await withMissionLock(mission.dir, async () => {
    const path = join(mission.dir, "tasks.md");
    const text = await Deno.readTextFile(path).catch(() => "");
    const marks = markCheckboxes(text, args.ids, args.status);
    if (marks.updated.length > 0) {
      await writeAtomic(path, marks.text);
      const spec = mission.slug.split("-")[0] ?? mission.slug;
      const message = `chore: Mark ${marks.updated.join(", ")} as ${args.status} on spec ${spec}`;
      await git(mission.root, [...await identityArgs(mission.root), "commit", "-q", "-m", message, "--", path])
        .catch(() => undefined);
    }
    return args.ids.map((id): MarkResult =>
      marks.notFound.includes(id)
        ? { id, outcome: "not_found", message: `${id} was not found in any supported task format.` }
        : marks.alreadySatisfied.includes(id)
        ? { id, outcome: "already_satisfied", format: "checkbox", message: `${id} is already ${args.status}.` }
        : {
          id,
          outcome: "updated",
          format: "checkbox",
          message: `Marked ${id} as ${args.status} (checkbox row updated).`,
        }
    );
  });
}

/** Runs `mark-status <args>` as `era`'s host does; never throws. */
export async function runMarkStatus(
  args: readonly string[],
  resolveRoot: () => Promise<string>,
  clock: () => Date = () => new Date(),
  era: EraProfile = ERAS["1.3"],
): Promise<MarkOutcome> {
  let json = args.includes("--json");
  try {
    const parsed = parseMarkArgs(args, era.missionFlag);
    json = parsed.json;
    const root = await resolveRoot();
    const results = era.subtaskSource === "checkboxes"
      ? await markTasksMd(root, parsed)
      : await mark({ root, clock }, parsed);
    if (era.missionFlag === "--feature" && json) {
      const notFound = results.filter((r) => r.outcome === "not_found").map((r) => r.id);
      const updated = results.filter((r) => r.outcome !== "not_found").map((r) => r.id);
      const doc = {
        result: notFound.length > 0 ? "error" : "success",
        updated,
        not_found: notFound,
        status: parsed.status,
        count: updated.length,
      };
      return { stdout: pyJson(doc, { sortKeys: false }) + "\n", stderr: "", exitCode: notFound.length > 0 ? 1 : 0 };
    }
    const count = (o: MarkResult["outcome"]) => results.filter((r) => r.outcome === o).length;
    const summary = {
      updated: count("updated"),
      already_satisfied: count("already_satisfied"),
      not_found: count("not_found"),
    };
    const exitCode = summary.not_found > 0 ? 1 : 0;
    if (json) return { stdout: pyJson({ results, summary }, { sortKeys: false }) + "\n", stderr: "", exitCode };
    const lines = results.map((r) => `${r.id}: ${r.outcome} — ${r.message}`);
    lines.push(
      `${summary.updated} updated, ${summary.already_satisfied} already satisfied, ${summary.not_found} not found`,
    );
    return { stdout: lines.join("\n") + "\n", stderr: "", exitCode };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const exitCode = error instanceof HostFailure ? error.exitCode : 1;
    const code = error instanceof HostFailure ? error.code : "INTERNAL_ERROR";
    if (json) {
      return { stdout: pyJson({ error: message, error_code: code }, { sortKeys: false }) + "\n", stderr: "", exitCode };
    }
    return { stdout: "", stderr: `Error: ${message}\n`, exitCode };
  }
}
