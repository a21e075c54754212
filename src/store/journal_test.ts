import { assert, assertEquals } from "../../test/support/assert.ts";
import { applyChanges, diffDocument, encodeLine, imageOf, parseLine, readJournal } from "./journal.ts";

const doc = () => ({
  seq: 1,
  updated_at: "t1",
  status: "running",
  wps: { WP01: { phase: "implementing", attempts: [] as unknown[] }, WP02: { phase: "pending", attempts: [] } },
});

Deno.test("diffDocument() names only the changed top-level keys and WP fields", () => {
  const before = doc();
  const after = { ...doc(), seq: 2, updated_at: "t2" };
  after.wps.WP01.phase = "awaiting_review";
  const diff = diffDocument(imageOf(before), after, 1, 2);
  assertEquals(
    diff.body,
    '{"journal":1,"base":1,"seq":2,"set":{"seq":2,"updated_at":"t2"},"wps":{"WP01":{"phase":"awaiting_review"}}}',
  );
  const applied: Record<string, unknown> = structuredClone(before);
  applyChanges(applied, [JSON.parse(diff.body!)]);
  assertEquals(applied, structuredClone(after));
});

Deno.test("diffDocument() with only bookkeeping changed has no body and keeps the old image", () => {
  const image = imageOf(doc());
  const diff = diffDocument(image, { ...doc(), seq: 2, updated_at: "t9" }, 1, 2);
  assertEquals(diff.body, null);
  assertEquals(diff.image, image);
});

Deno.test("parseLine() verifies the checksum over the body's exact bytes", async () => {
  const line = (await encodeLine('{"journal":1,"base":0,"seq":1,"set":{"a":1}}')).trimEnd();
  assertEquals((await parseLine(line))?.seq, 1);
  assertEquals(await parseLine(line.replace('"a":1', '"a":2')), null);
  assertEquals(await parseLine(line.slice(0, -3)), null);
  assertEquals(await parseLine("not json"), null);
});

Deno.test("readJournal() skips lines of an older snapshot, stops at a gap or a torn last line", async () => {
  const line = (base: number, seq: number) => encodeLine(`{"journal":1,"base":${base},"seq":${seq},"set":{}}`);
  const stale = await line(3, 4);
  const good = [await line(5, 6), await line(5, 7)].join("");
  const ok = await readJournal(stale + good, 5);
  assertEquals([ok.changes.map((c) => c.seq), ok.stale, ok.problem], [[6, 7], 1, null]);
  const gap = await readJournal(good + (await line(5, 9)), 5);
  assertEquals([gap.changes.length, gap.problem?.kind, gap.problem?.line], [2, "gap", 3]);
  const torn = await readJournal(good + (await line(5, 8)).slice(0, 20), 5);
  assertEquals([torn.changes.length, torn.problem?.kind, torn.problem?.line], [2, "torn", 3]);
  const newer = await readJournal(await encodeLine('{"journal":9,"base":5,"seq":6,"set":{}}'), 5);
  assert(newer.problem?.detail.includes("newer journal format (v9)"));
});
