import { assertEquals } from "../../test/support/assert.ts";
import { KeyedMutex } from "./mutex.ts";

Deno.test("KeyedMutex.acquire() serialises holders of one key and not of others", async () => {
  const m = new KeyedMutex();
  const log: string[] = [];
  const r1 = await m.acquire("a");
  const second = m.acquire("a").then((r) => {
    log.push("a2");
    return r;
  });
  const other = await m.acquire("b");
  log.push("b");
  await Promise.resolve();
  assertEquals(log, ["b"]);
  r1();
  const r2 = await second;
  assertEquals(log, ["b", "a2"]);
  r2();
  other();
  assertEquals(m.isBusy("a"), false);
  assertEquals(m.isBusy("b"), false);
});
