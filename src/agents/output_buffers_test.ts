import { assertEquals } from "../../test/support/assert.ts";
import { ByteTail, JsonLineWatch, LineSplitter } from "./output_buffers.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("ByteTail keeps only the last bytes", () => {
  const tail = new ByteTail(5);
  tail.push(enc("abc"));
  tail.push(enc("defg"));
  assertEquals(tail.text(), "cdefg");
  tail.push(enc("0123456789"));
  assertEquals(tail.text(), "56789");
  assertEquals(tail.totalBytes, 17);
});

Deno.test("LineSplitter joins lines across chunks and strips CR", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push(enc("ab"));
  s.push(enc("c\r\nde\nf"));
  s.end();
  assertEquals(lines, ["abc", "de", "f"]);
});

Deno.test("LineSplitter skips lines longer than its cap", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 4);
  s.push(enc("ok\nxxxx"));
  s.push(enc("xxxx\nyes\n"));
  s.end();
  assertEquals(lines, ["ok", "yes"]);
});

Deno.test("ByteTail wraps around its ring correctly", () => {
  const tail = new ByteTail(4);
  for (const piece of ["a", "bc", "def", "g", "hijklm", "n"]) tail.push(enc(piece));
  assertEquals(tail.text(), "klmn");
  const empty = new ByteTail(3);
  assertEquals(empty.text(), "");
  empty.push(enc("xy"));
  assertEquals(empty.text(), "xy");
});

Deno.test("ByteTail allocates only as output arrives, up to its limit, and raiseLimit() lets it keep more", () => {
  const tail = new ByteTail(1 << 20, 8);
  assertEquals(tail.allocatedBytes, 0);
  tail.push(enc("0123456789"));
  assertEquals([tail.text(), tail.allocatedBytes], ["23456789", 8]);
  tail.raiseLimit(12);
  tail.push(enc("abcd"));
  assertEquals(tail.text(), "23456789abcd");
  tail.push(enc("efgh"));
  assertEquals(tail.text(), "6789abcdefgh");
  assertEquals(tail.totalBytes, 18);
});

Deno.test("ByteTail.text() decodes a wrapped ring in place and later pushes still work", () => {
  const tail = new ByteTail(6);
  tail.push(enc("abcd"));
  tail.push(enc("efgh"));
  assertEquals(tail.text(), "cdefgh");
  tail.push(enc("ij"));
  assertEquals(tail.text(), "efghij");
  assertEquals(Array.from(tail.bytes()), Array.from(enc("efghij")));
});

Deno.test("LineSplitter reports a dropped over-long line with its length and keeps going", () => {
  const lines: string[] = [];
  const skipped: number[] = [];
  const s = new LineSplitter((l) => lines.push(l), 4, (n) => skipped.push(n));
  s.push(enc("ok\nxxxxxxxxxx\nyes\nzzzzzz"));
  s.end();
  assertEquals([lines, skipped], [["ok", "yes"], [10, 6]]);
});

Deno.test("LineSplitter never holds a 50 MB single line: it is dropped, marked, and the next line still arrives", () => {
  const lines: string[] = [];
  const skipped: number[] = [];
  const s = new LineSplitter((l) => lines.push(l), 1024 * 1024, (n) => skipped.push(n));
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let maxHeld = 0;
  for (let sent = 0; sent < 50 * 1024 * 1024; sent += chunk.length) {
    s.push(chunk);
    maxHeld = Math.max(maxHeld, s.bufferedBytes);
  }
  s.push(enc('\n{"after":true}\n'));
  s.end();
  assertEquals(skipped, [50 * 1024 * 1024]);
  assertEquals(lines, ['{"after":true}']);
  assertEquals(maxHeld <= 1024 * 1024, true, `held ${maxHeld} bytes`);
  assertEquals(s.bufferedBytes, 0);
});

Deno.test("LineSplitter decodes a UTF-8 character split across chunks", () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const bytes = enc("héllo\n");
  s.push(bytes.subarray(0, 2));
  s.push(bytes.subarray(2));
  assertEquals(lines, ["héllo"]);
});

Deno.test("JsonLineWatch sees a line starting with { or [ after blanks, across chunks, and nothing else", () => {
  const w = new JsonLineWatch();
  assertEquals(w.scan(enc("warning: x {not json\n  ")), false);
  assertEquals(w.scan(enc("  \t")), false);
  assertEquals(w.scan(enc('{"type":"result"}')), true);
  assertEquals(w.seen, true);
  const flood = new JsonLineWatch();
  assertEquals(flood.scan(new Uint8Array(100_000).fill(120)), false);
  assertEquals(flood.scan(enc("xx[1]\n")), false);
  assertEquals(flood.scan(enc("\uFEFF[1]")), true);
});
