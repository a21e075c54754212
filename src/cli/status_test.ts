import { join } from "node:path";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../test/support/assert.ts";
import { sampleState } from "../../test/support/state_fixture.ts";
import { acquireLock } from "../store/lock.ts";
import { StateCorruptError, StateStore } from "../store/run_state.ts";
import type { Host, MissionState } from "../domain/host.ts";
import { memoryTerminal } from "../output/terminal.ts";
import { UserError } from "../domain/errors.ts";
import { runResume } from "./resume.ts";
import { runStatus, type StatusDeps } from "./status.ts";

async function withRepo(fn: (repo: string) => Promise<void>): Promise<void> {
  const repo = await Deno.makeTempDir({ prefix: "status-test-" });
  try {
    await Deno.mkdir(join(repo, ".kittify"));
    await fn(repo);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
}

function hostWith(missionState: (mission: string) => Promise<MissionState>): StatusDeps {
  return { makeHost: () => Promise.resolve({ kind: "fake", missionState } as unknown as Host), hostTimeoutMs: 200 };
}

const lanes: StatusDeps = hostWith((mission) =>
  Promise.resolve({
    missionSlug: mission,
    missionNumber: 34,
    missionType: "software-dev",
    summary: {},
    workPackages: [
      { wpId: "WP01", lane: "in_progress", dependencies: [], lastActor: null },
      { wpId: "WP02", lane: "planned", dependencies: ["WP01"], lastActor: null },
    ],
  })
);

Deno.test("runStatus() without a state file says so and exits 0", async () => {
  await withRepo(async (repo) => {
    const term = memoryTerminal();
    assertEquals(await runStatus({ repoRoot: repo, json: false }, term, lanes), 0);
    assertEquals(term.text(), "No orchestration run state found.\n");
    const json = memoryTerminal({ json: true });
    assertEquals(await runStatus({ repoRoot: repo, json: true }, json, lanes), 0);
    assertEquals(JSON.parse(json.out.join("")).run, null);
  });
});

Deno.test("runStatus() prints the run, a WP table with lanes, and that no live process holds the lock", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const term = memoryTerminal();
    assertEquals(await runStatus({ repoRoot: repo, json: false }, term, lanes), 0);
    const text = term.text();
    assertStringIncludes(text, "Run ID:   20261121T103000Z-4f2a");
    assertStringIncludes(text, "Mission:  034-my-feature");
    assertStringIncludes(text, "no live process holds the run lock");
    const row = text.split("\n").find((l) => l.startsWith("WP01"))!;
    for (const cell of ["implementing", "in_progress", "claude-code", "$0.12", "timed out after 30m"]) {
      assertStringIncludes(row, cell);
    }
    assert(text.split("\n").some((l) => l.startsWith("WP02") && l.includes("planned")));
  });
});

Deno.test("runStatus() --json carries the same facts", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const term = memoryTerminal({ json: true });
    await runStatus({ repoRoot: repo, json: true }, term, lanes);
    const doc = JSON.parse(term.out.join(""));
    assertEquals(doc.run_id, "20261121T103000Z-4f2a");
    assertEquals(doc.live, null);
    assertEquals(doc.lanes_error, null);
    assertEquals(doc.wps[0], {
      wp_id: "WP01",
      phase: "implementing",
      outcome: null,
      outcome_reason: null,
      lane: "in_progress",
      agent: "claude-code",
      attempts: 1,
      review_cycles: 0,
      cost_usd: 0.12,
      last_error: "timed out after 30m",
    });
  });
});

Deno.test("runStatus() shows the live holder of the run lock", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const lock = await acquireLock(repo, "034-my-feature", "20261121T103000Z-4f2a");
    try {
      const term = memoryTerminal();
      await runStatus({ repoRoot: repo, json: false }, term, lanes);
      assertStringIncludes(term.text(), `live: pid ${Deno.pid} on host`);
      assertStringIncludes(term.text(), "Agents running:");
    } finally {
      await lock.release();
    }
  });
});

Deno.test("runStatus() reports an unreachable or slow host and still prints the table", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const failing = memoryTerminal();
    await runStatus(
      { repoRoot: repo, json: false },
      failing,
      hostWith(() => Promise.reject(new Error("spawn spec-kitty ENOENT"))),
    );
    assertStringIncludes(failing.text(), "lanes: host unreachable (spawn spec-kitty ENOENT)");
    assertStringIncludes(failing.text(), "WP01");
    const slow = memoryTerminal();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await runStatus(
      { repoRoot: repo, json: false },
      slow,
      hostWith(() => new Promise<MissionState>(() => (timer = setTimeout(() => {}, 5_000)))),
    );
    clearTimeout(timer);
    assertStringIncludes(slow.text(), "lanes: host unreachable (no answer within 0.2 s)");
  });
});

Deno.test("runStatus() with the real config and host reports the host as unreachable when it is missing", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const term = memoryTerminal();
    // Whether spec-kitty is missing here or does not know this temp repo's mission, lanes are unavailable.
    await Deno.writeTextFile(
      join(repo, "orchestration.yaml"),
      "version: 1\nhost:\n  command: [" + JSON.stringify(join(repo, "nope")) + "]\n",
    );
    assertEquals(await runStatus({ repoRoot: repo, json: false }, term), 0);
    assertStringIncludes(term.text(), "lanes: host unreachable (");
    assert(!term.text().includes("version is required"));
  });
});

Deno.test("runStatus() for another mission says there is no run for it", async () => {
  await withRepo(async (repo) => {
    await new StateStore(repo, { mission: "034-my-feature" }).save(sampleState());
    const term = memoryTerminal();
    assertEquals(await runStatus({ repoRoot: repo, json: false, mission: "035-other" }, term, lanes), 0);
    assertStringIncludes(term.text(), "No orchestration run state found for mission '035-other'");
  });
});

Deno.test("runStatus() stops with the clear error when the state is corrupt", async () => {
  await withRepo(async (repo) => {
    await Deno.writeTextFile(
      join(repo, ".kittify", "orchestrator-run-state.034-my-feature.json"),
      '{"seq": 1, "wps": {',
    );
    await assertRejects(() => runStatus({ repoRoot: repo, json: false }, memoryTerminal(), lanes), StateCorruptError);
  });
});

Deno.test("runStatus() warns when it falls back to the backup", async () => {
  await withRepo(async (repo) => {
    const store = new StateStore(repo, { mission: "034-my-feature" });
    await store.save(sampleState());
    await store.save(sampleState());
    await Deno.writeTextFile(store.path, "");
    const term = memoryTerminal();
    assertEquals(await runStatus({ repoRoot: repo, json: false }, term, lanes), 0);
    assertStringIncludes(term.err.join(""), "using its backup");
    assertStringIncludes(term.text(), "Run ID:");
  });
});

Deno.test("runStatus() and resume report a state path that is a directory instead of 'no run state'", async () => {
  await withRepo(async (repo) => {
    const path = join(repo, ".kittify", "orchestrator-run-state.034-my-feature.json");
    await Deno.mkdir(path);
    for (const mission of [undefined, "034-my-feature"]) {
      const error = await assertRejects(
        () => runStatus({ repoRoot: repo, json: false, mission }, memoryTerminal(), lanes),
        UserError,
        `Cannot use the run state ${path} as it must be a file: it is a directory`,
      );
      assertStringIncludes(error.fix ?? "", `mv ${path} ${path}.moved`);
    }
    await assertRejects(
      () => runResume({ repoRoot: repo, json: false, caffeinate: false, accept: false }, memoryTerminal(), repo),
      UserError,
      "it is a directory",
    );
  });
});

Deno.test("runStatus() shows a family's rate-limit cooldown while a live process runs it, never a dead run's", async () => {
  await withRepo(async (repo) => {
    const state = {
      ...sampleState(),
      cooldowns: [{
        family: "claude",
        agent: "claude-code",
        reason: "rate_limit" as const,
        until: "2026-11-21T09:42:10.000Z",
      }],
    };
    await new StateStore(repo, { mission: "034-my-feature" }).save(state);
    const dead = memoryTerminal();
    await runStatus({ repoRoot: repo, json: false }, dead, lanes);
    assertEquals(dead.text().includes("cooling down"), false);
    const lock = await acquireLock(repo, "034-my-feature", "20261121T103000Z-4f2a");
    try {
      const term = memoryTerminal();
      await runStatus({ repoRoot: repo, json: false }, term, lanes);
      assertStringIncludes(term.text(), "claude cooling down until 09:42:10 (rate_limit; last limited: claude-code)");
      const json = memoryTerminal();
      await runStatus({ repoRoot: repo, json: true }, json, lanes);
      assertStringIncludes(json.text(), '"family": "claude"');
    } finally {
      await lock.release();
    }
  });
});

Deno.test("runStatus() shows spend against the run's and each WP's budget, also in --json", async () => {
  await withRepo(async (repo) => {
    const state = sampleState();
    state.wps.WP01!.cost_usd = 1.25;
    await new StateStore(repo, { mission: "034-my-feature" }).save(state);
    const budget: StatusDeps["budget"] = () =>
      Promise.resolve({ perRunUsd: 10, pipelines: { default: { perWpUsd: 2, perWpMs: null } } });
    const term = memoryTerminal();
    await runStatus({ repoRoot: repo, json: false }, term, { ...lanes, budget });
    assertStringIncludes(term.text(), "Budget: run $1.25 of $10.00 (per_run_usd)");
    assertStringIncludes(term.text(), "Budget: WP01 $1.25 of $2.00");
    const json = memoryTerminal();
    await runStatus({ repoRoot: repo, json: true }, json, { ...lanes, budget });
    assertStringIncludes(json.text(), '"per_run_usd": 10');
    // Without a budget (the default configuration) nothing is shown.
    const plain = memoryTerminal();
    await runStatus({ repoRoot: repo, json: false }, plain, lanes);
    assertEquals(plain.text().includes("Budget:"), false);
  });
});
