import { assert, assertEquals } from "../../test/support/assert.ts";
import { clipForeign, escapeForeign, escapeForTerminal, hasControl, stringifyJson } from "./escape.ts";

const ATTACK = "\x1b]0;PWNED\x07\x1b[2J";

Deno.test("escapeForeign() shows every control character as a visible escape", () => {
  assertEquals(escapeForeign(ATTACK), "\\x1b]0;PWNED\\x07\\x1b[2J");
  assertEquals(escapeForeign("a\r\nb\tc\x00\x7f\u009b"), "a\\r\\nb\\tc\\x00\\x7f\\x9b");
  assertEquals(
    escapeForeign("evil\u202egnp.exe \u2066x\u2069 \u2028 \ufeff"),
    "evil\\u202egnp.exe \\u2066x\\u2069 \\u2028 \\ufeff",
  );
  assertEquals(escapeForeign("plain text, ünïcödé and emoji 🎉"), "plain text, ünïcödé and emoji 🎉");
  assertEquals(escapeForeign("two\nlines\tx", { keepNewlines: true, keepTabs: true }), "two\nlines\tx");
  assertEquals(escapeForeign(escapeForeign(ATTACK)), escapeForeign(ATTACK), "idempotent");
  assert(hasControl(ATTACK));
  assert(!hasControl(escapeForeign(ATTACK)));
});

Deno.test("clipForeign() cuts between whole escapes and whole characters, never inside one", () => {
  const escaped = escapeForeign(ATTACK); // 22 characters
  for (let max = 2; max < escaped.length; max++) {
    const cut = clipForeign(ATTACK, max);
    assert(cut.length <= max, `${max}: ${cut}`);
    assert(cut.endsWith("…"));
    const body = cut.slice(0, -1);
    assert(escaped.startsWith(body), `${max}: ${cut}`);
    // The next character of the full text starts a new unit: never a partial `\x1`.
    assert(!/\\x?[0-9a-f]?$/.test(body) || body === "", `${max}: split escape ${JSON.stringify(cut)}`);
  }
  assertEquals(clipForeign(ATTACK, 100), escaped);
  assertEquals(clipForeign("🎉🎉🎉", 4), "🎉…", "no half surrogate pair");
});

Deno.test("escapeForTerminal() keeps our colours, newlines and tabs, and escapes the rest", () => {
  assertEquals(escapeForTerminal("\x1b[31mred\x1b[39m\n\tok"), "\x1b[31mred\x1b[39m\n\tok");
  assertEquals(escapeForTerminal(`x ${ATTACK} y\r`), "x \\x1b]0;PWNED\\x07\\x1b[2J y\\r");
  assertEquals(escapeForTerminal("\x1b[2J"), "\\x1b[2J");
});

Deno.test("stringifyJson() writes C1, DEL, bidi and separator characters as \\u escapes and parses back equal", () => {
  const value = { reason: "a\u009b2Jb\u007f\u202eevil\u2028x\ufeff", esc: "\x1b[31m", n: 1 };
  const text = stringifyJson(value);
  assertEquals(hasControl(text), false);
  assertEquals(text.includes("\\u009b2Jb\\u007f\\u202eevil\\u2028x\\ufeff"), true);
  assertEquals(text.includes("\\u001b[31m"), true);
  assertEquals(JSON.parse(text), value);
  assertEquals(JSON.parse(stringifyJson(value, 2)), value);
  assertEquals(stringifyJson("plain"), JSON.stringify("plain"));
});
