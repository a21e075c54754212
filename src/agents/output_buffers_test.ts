import { assertEquals } from "../../test/assert.ts";
import { ByteTail, LineSplitter } from "./output_buffers.ts";

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
