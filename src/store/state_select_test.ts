import { join } from "node:path";
import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { UserError } from "../domain/errors.ts";
import { chooseStateMission, listRunStateFiles, type RunStateFile } from "./state_select.ts";

const file = (mission: string, status: string | null, mtimeMs: number): RunStateFile => ({
  mission,
  path: `/r/.kittify/orchestrator-run-state.${mission}.json`,
  mtimeMs,
  status,
});

Deno.test("chooseStateMission() prefers the explicit mission", () => {
  assertEquals(chooseStateMission([file("a", "running", 1)], "b", "resume"), "b");
});

Deno.test("chooseStateMission() returns null when there is no state", () => {
  assertEquals(chooseStateMission([], undefined, "status"), null);
});

Deno.test("chooseStateMission() takes the only unfinished run for resume", () => {
  const files = [file("a", "finished", 3), file("b", "interrupted", 2)];
  assertEquals(chooseStateMission(files, undefined, "resume"), "b");
  assertEquals(chooseStateMission(files, undefined, "status"), "a");
});

Deno.test("chooseStateMission() asks for --mission when several runs are unfinished", () => {
  const files = [file("a", "running", 3), file("b", "interrupted", 2)];
  const error = assertThrows(
    () => chooseStateMission(files, undefined, "abort"),
    UserError,
    "a (running), b (interrupted)",
  );
  assertEquals(error.fix?.includes("--mission"), true);
});

Deno.test("listRunStateFiles() lists per-mission files and skips archives and backups", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, ".kittify");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "orchestrator-run-state.001-demo.json"), '{"status":"running"}');
    await Deno.writeTextFile(join(dir, "orchestrator-run-state.001-demo.json.bak"), "{}");
    await Deno.writeTextFile(join(dir, "orchestrator-run-state.001-demo.fresh-20261121T1Z-ab.json"), "{}");
    await Deno.writeTextFile(join(dir, "orchestrator-run-state.002-x.json"), "garbage");
    const found = await listRunStateFiles(root);
    assertEquals(found.map((f) => [f.mission, f.status]).sort(), [["001-demo", "running"], ["002-x", null]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
