/**
 * The mission's dependency graph is checked before any mutation: a dependency on a WP the
 * mission does not have, or a cycle, can never be satisfied, so a run would only start the
 * other WPs, stall and end incomplete (or worse, ask the host to start a WP that does not exist).
 * Both `orchestrate` (and its dry run) and `resume` refuse such a mission, naming the WP files
 * whose `dependencies:` frontmatter needs fixing.
 *
 * The rules are pure ({@link dependencyProblems}); {@link assertDependencies} looks up the WP
 * files through the host (read-only `resolve-workspace`, only when there may be a problem).
 *
 * @module
 */
import { ExitCode, UserError } from "../domain/errors.ts";
import { HostError } from "../domain/host_errors.ts";
import type { Host, Lane, MissionState, WorkPackageState } from "../domain/host.ts";
import { byCodeUnit } from "./order.ts";

/** What is wrong with a mission's dependency graph. */
export interface DependencyProblems {
  /** WPs naming dependencies the mission does not have, by WP (sorted). */
  missing: { wpId: string; unknown: string[] }[];
  /** Each cycle as a path of WP ids, first id repeated at the end (e.g. WP01, WP03, WP01). */
  cycles: string[][];
}

/** Lanes whose WP no longer waits on anything: its dependencies cannot hold it back. */
const SETTLED = new Set<Lane>(["approved", "done", "canceled"]);

/**
 * Finds unknown dependencies and cycles. WPs already approved, done or canceled are ignored:
 * their edges can no longer stall the run.
 */
export function dependencyProblems(wps: readonly WorkPackageState[]): DependencyProblems {
  const ids = new Set(wps.map((w) => w.wpId));
  const open = wps.filter((w) => w.lane === null || !SETTLED.has(w.lane));
  const missing = open
    .map((w) => ({ wpId: w.wpId, unknown: [...new Set(w.dependencies.filter((d) => !ids.has(d)))].sort() }))
    .filter((m) => m.unknown.length > 0)
    .sort((a, b) => byCodeUnit(a.wpId, b.wpId));
  const edges = new Map(open.map((w) => [w.wpId, [...new Set(w.dependencies)].filter((d) => ids.has(d)).sort()]));
  return { missing, cycles: findCycles(edges) };
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each as a path starting at
 * the component's smallest id. Deterministic: ids and edges are visited in sorted order.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...members].sort()[0]!;
    if (members.size === 1 && !(edges.get(start) ?? []).includes(start)) continue;
    cycles.push(pathBack(start, members, edges));
  }
  return cycles.sort((a, b) => byCodeUnit(a[0]!, b[0]!));
}

/** A path from `start` back to itself inside one strongly connected component (BFS, shortest). */
function pathBack(
  start: string,
  members: ReadonlySet<string>,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at = v; at !== start; at = parent.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** True when nothing is wrong. */
export function noProblems(p: DependencyProblems): boolean {
  return p.missing.length === 0 && p.cycles.length === 0;
}

/**
 * The refusal for a broken graph. `fileOf` names the WP file of an id (a path, or a fallback
 * description when it cannot be resolved).
 */
export function dependencyError(mission: string, p: DependencyProblems, fileOf: (wpId: string) => string): UserError {
  const parts: string[] = [];
  for (const m of p.missing) {
    parts.push(
      `${m.wpId} depends on ${m.unknown.join(", ")}, which ${
        m.unknown.length === 1 ? "has" : "have"
      } no WP file in the mission`,
    );
  }
  for (const c of p.cycles) parts.push(`dependency cycle ${c.join(" -> ")}`);
  const toFix = [...new Set([...p.missing.map((m) => m.wpId), ...p.cycles.flatMap((c) => c.slice(0, -1))])].sort();
  const what = p.cycles.length > 0 && p.missing.length === 0
    ? "remove one dependency of the cycle"
    : p.cycles.length === 0
    ? "remove or correct the unknown ids"
    : "remove the unknown ids and one dependency of each cycle";
  return new UserError(
    `Cannot run mission '${mission}' as its WP dependencies must name WPs of the mission and form no cycle: ` +
      parts.join("; "),
    {
      exitCode: ExitCode.Usage,
      fix: `Edit the \`dependencies:\` frontmatter of ${toFix.map(fileOf).join(", ")} (${what}), then run again.`,
    },
  );
}

/**
 * The WPs of `state` that exist only because another WP names them as a dependency. The host
 * lists the union of WP files, the dependency graph and the event log, so such a WP looks
 * planned; it has no lane event (the summary does not count it) and `resolve-workspace` answers
 * `WP_NOT_FOUND`. The host is asked only when the summary counts fewer WPs than are listed, so a
 * healthy mission costs no call.
 */
export async function phantomWps(host: Host, mission: string, state: MissionState): Promise<Set<string>> {
  const counted = Object.values(state.summary).reduce((a, b) => a + b, 0);
  const phantoms = new Set<string>();
  if (counted >= state.workPackages.length) return phantoms;
  const named = new Set(state.workPackages.flatMap((w) => w.dependencies));
  const candidates = state.workPackages.filter((w) => named.has(w.wpId) && (w.lane === null || w.lane === "planned"));
  await Promise.all(candidates.map(async (w) => {
    try {
      await host.resolveWorkspace(mission, w.wpId);
    } catch (error) {
      if (error instanceof HostError && error.code === "WP_NOT_FOUND") phantoms.add(w.wpId);
    }
  }));
  return phantoms;
}

/**
 * Refuses a mission whose dependencies cannot be satisfied (see {@link dependencyProblems} and
 * {@link phantomWps}). Only read-only host calls are made.
 *
 * @throws {UserError} exit 2, naming the WP files to fix.
 */
export async function assertDependencies(host: Host, mission: string, state: MissionState): Promise<void> {
  const phantoms = await phantomWps(host, mission, state);
  const problems = dependencyProblems(state.workPackages.filter((w) => !phantoms.has(w.wpId)));
  if (noProblems(problems)) return;
  const ids = [...new Set([...problems.missing.map((m) => m.wpId), ...problems.cycles.flat()])];
  const files = new Map<string, string>();
  await Promise.all(ids.map(async (id) => {
    try {
      files.set(id, (await host.resolveWorkspace(mission, id)).promptPath);
    } catch {
      // The refusal matters more than the path: fall back to where spec-kitty keeps WP files.
    }
  }));
  throw dependencyError(mission, problems, (id) => files.get(id) ?? `kitty-specs/${mission}/tasks/${id}*.md`);
}
