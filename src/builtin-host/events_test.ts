import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertRejects } from "../../test/support/assert.ts";
import { appendEvents, EVENTS_FILE, newAnnotation, newLaneEvent, readEvents, withMissionLock } from "./events.ts";
import { HostFailure } from "./failure.ts";
import { callApi, makeMission, TEST_POLICY } from "../../test/support/mission_fixture.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "sko-events-" });
}

Deno.test("appendEvents() and readEvents() round-trip sorted-key lines", async () => {
  const dir = await tempDir();
  try {
    const lane = newLaneEvent({ wpId: "WP01", from: "planned", to: "claimed", at: "t", actor: "a", missionSlug: "m" });
    const note = newAnnotation("WP01", "a", "t", { note: "hi" }, "m");
    await withMissionLock(dir, () => appendEvents(dir, [lane, note]));
    const text = await Deno.readTextFile(join(dir, EVENTS_FILE));
    assert(text.startsWith('{"actor": "a", "at": "t", "event_id": '), text);
    assertEquals(await readEvents(dir), [lane, note]);
    assert(lane.event_id < note.event_id, "ULIDs are monotonic within a process");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readEvents() ignores a torn last line and appendEvents() cuts it off", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(join(dir, EVENTS_FILE), '{"wp_id": "WP01", "to_lane": "planned"}\n{"wp_id": "WP0');
    assertEquals((await readEvents(dir)).length, 1);
    await appendEvents(dir, [newAnnotation("WP01", "a", "t", {}, "m")]);
    const lines = (await Deno.readTextFile(join(dir, EVENTS_FILE))).trimEnd().split("\n");
    assertEquals(lines.length, 2);
    assertEquals((await readEvents(dir)).length, 2, "the torn fragment is gone, the new line kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendEvents() completes a whole final line that lacks its newline", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(join(dir, EVENTS_FILE), '{"wp_id": "WP01", "to_lane": "planned"}');
    await appendEvents(dir, [newAnnotation("WP01", "a", "t", {}, "m")]);
    assertEquals((await readEvents(dir)).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readEvents() fails on a malformed line that is not the last", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(join(dir, EVENTS_FILE), 'garbage\n{"wp_id": "WP01"}\n');
    const error = await assertRejects(() => readEvents(dir), HostFailure);
    assertEquals(error.code, "STATUS_LOG_CORRUPT");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function spawnHost(root: string, args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, "host", ...args],
    cwd: root,
    env: { SPECIFY_REPO_ROOT: root, SKO_HOST_DELAY_MS: "0" },
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
}

Deno.test("append-history from 8 concurrent processes writes 8 whole lines and loses none", async () => {
  const root = await makeMission([{ id: "WP01" }]);
  try {
    const outs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        spawnHost(root, [
          "orchestrator-api",
          "append-history",
          "--mission",
          "001-demo",
          "--wp",
          "WP01",
          "--actor",
          `writer-${i}`,
          "--note",
          `note ${i} ${"x".repeat(2000)}`,
        ])),
    );
    for (const out of outs) assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    const dir = join(root, "kitty-specs", "001-demo");
    const lines = (await Deno.readTextFile(join(dir, EVENTS_FILE))).trimEnd().split("\n");
    assertEquals(lines.length, 9, "seed + 8 notes");
    const notes = lines.slice(1).map((l) => JSON.parse(l).delta.note as string);
    assertEquals(new Set(notes.map((n) => /writer-(\d)/.exec(n)?.[1])).size, 8);
    const status = JSON.parse(await Deno.readTextFile(join(dir, "status.json")));
    assertEquals(status.event_count, 9);
    assertEquals(status.work_packages.WP01.notes.length, 8);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("concurrent start-implementation by two actors: exactly one claim wins", async () => {
  const root = await makeMission([{ id: "WP01" }]);
  try {
    const start = (actor: string) =>
      spawnHost(root, [
        "orchestrator-api",
        "start-implementation",
        "--mission",
        "001-demo",
        "--wp",
        "WP01",
        "--actor",
        actor,
        "--policy",
        TEST_POLICY,
      ]);
    const outs = await Promise.all([start("alpha"), start("beta")]);
    const codes = outs.map((o) => JSON.parse(new TextDecoder().decode(o.stdout)).error_code).sort();
    assertEquals(codes, [null, "WP_ALREADY_CLAIMED"].sort());
    const state = await callApi(root, ["mission-state", "--mission", "001-demo"]);
    assertEquals((state.data.summary as Record<string, number>).in_progress, 1);
    const lines = (await Deno.readTextFile(join(root, "kitty-specs", "001-demo", EVENTS_FILE))).trimEnd().split("\n");
    assertEquals(lines.length, 3, "seed + claimed + in_progress, once");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
