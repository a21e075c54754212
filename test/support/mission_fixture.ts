/**
 * Test helper: a minimal legacy mission (no lanes.json, no git) in a temp dir, and a way to run
 * `orchestrator-api` in-process against it.
 *
 * @module
 */
import { join } from "node:path";
import { runOrchestratorApi } from "../../src/builtin-host/api.ts";
import { newLaneEvent } from "../../src/builtin-host/events.ts";
import { pyJson } from "../../src/builtin-host/json.ts";

/** A WP of the fixture. */
export interface FixtureWp {
  id: string;
  deps?: string[];
  subtasks?: string[];
  /** Seed genesis→planned (default true). */
  finalized?: boolean;
}

/** Creates `kitty-specs/<slug>/` with the given WPs in a new temp dir; returns the root. */
export async function makeMission(
  wps: FixtureWp[],
  options: { slug?: string; meta?: Record<string, unknown> } = {},
): Promise<string> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "sko-builtin-" }));
  const slug = options.slug ?? "001-demo";
  const dir = join(root, "kitty-specs", slug);
  await Deno.mkdir(join(dir, "tasks"), { recursive: true });
  await Deno.mkdir(join(root, ".kittify"));
  const meta = {
    slug,
    mission_slug: slug,
    mission_number: "001",
    mission_type: "software-dev",
    target_branch: "main",
    ...options.meta,
  };
  await Deno.writeTextFile(join(dir, "meta.json"), JSON.stringify(meta));
  const events = [];
  for (const wp of wps) {
    const list = (xs: string[] | undefined) => `[${(xs ?? []).join(", ")}]`;
    await Deno.writeTextFile(
      join(dir, "tasks", `${wp.id}-work.md`),
      `---\nwork_package_id: ${wp.id}\ntitle: Work ${wp.id}\ndependencies: ${list(wp.deps)}\nsubtasks: ${
        list(wp.subtasks)
      }\n---\n# ${wp.id}\n`,
    );
    if (wp.finalized !== false) {
      events.push(newLaneEvent({
        wpId: wp.id,
        from: "genesis",
        to: "planned",
        at: "2026-01-01T00:00:00.000000+00:00",
        actor: "finalize-tasks",
        missionSlug: slug,
      }));
    }
  }
  if (events.length > 0) {
    await Deno.writeTextFile(join(dir, "status.events.jsonl"), events.map((e) => pyJson(e)).join("\n") + "\n");
  }
  return root;
}

/** The policy every test call uses. */
export const TEST_POLICY = JSON.stringify({
  orchestrator_id: "o",
  orchestrator_version: "0.1.0",
  agent_family: "claude",
  approval_mode: "full_auto",
  sandbox_mode: "workspace_write",
  network_mode: "none",
  dangerous_flags: [],
});

/** A parsed in-process call. */
export interface ApiCall {
  exitCode: number;
  envelope: Record<string, unknown>;
  data: Record<string, unknown>;
  code: string | null;
}

/** Runs `orchestrator-api <args>` in-process with `root` as project root. */
export async function callApi(root: string, args: string[]): Promise<ApiCall> {
  const outcome = await runOrchestratorApi(args, () => Promise.resolve(root));
  const envelope = JSON.parse(outcome.stdout);
  return {
    exitCode: outcome.exitCode,
    envelope,
    data: envelope.data,
    code: envelope.error_code,
  };
}
