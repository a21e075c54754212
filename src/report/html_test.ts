import { embedJson, renderHtml } from "./html.ts";
import { assert, assertEquals, assertStringIncludes } from "../../test/support/assert.ts";
import { sampleEvents, sampleSummary } from "../../test/support/sample_run.ts";

const html = renderHtml({ events: sampleEvents, summary: sampleSummary });

Deno.test("renderHtml() is self-contained: no external scripts, styles, images or fonts", () => {
  assert(!/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html), "no element loads an external resource");
  assert(!/url\((?!#)/.test(html), "CSS loads nothing");
  assert(!/https?:\/\//.test(html.replace("http://www.w3.org/2000/svg", "")), "no URL besides the SVG namespace");
});

Deno.test("renderHtml() escapes WP text in the markup and in the embedded data", () => {
  assert(!html.includes("<b>auth</b>"), "the reason is escaped in the table");
  assertStringIncludes(html, "agent &lt;b&gt;auth&lt;/b&gt; failed &amp; no fallback");
  assert(!html.includes("<script>alert"), "the attempt message cannot open a script");
  assertEquals(html.match(/<\/script>/g)?.length, 2, "only our two script elements close");
});

Deno.test("renderHtml() embeds the timeline data and a WP table with totals", () => {
  const data = JSON.parse(html.match(/<script type="application\/json" id="run-data">(.*?)<\/script>/s)![1]!);
  assertEquals(data.wps.flatMap((w: { bars: unknown[] }) => w.bars).length, 8);
  assertStringIncludes(html, '<div id="timeline" data-bars="8">');
  assertStringIncludes(html, '<tr data-wp="WP03"><td>WP03</td><td class="outcome-blocked">blocked</td>');
  assertStringIncludes(html, "<tfoot><tr><td>Total</td><td>2 done, 1 blocked</td>");
});

Deno.test("embedJson() cannot close a script element", () => {
  const text = embedJson({ a: "</script><script>x()</script>", b: "\u2028" });
  assert(!text.includes("<") && !text.includes(">"));
  assertEquals(JSON.parse(text), { a: "</script><script>x()</script>", b: "\u2028" });
});

Deno.test("renderHtml() shows an agent's control characters as escapes in the markup", () => {
  const summary = { ...sampleSummary, wps: sampleSummary.wps.map((w) => ({ ...w, reason: "x \x1b]0;PWNED\x07 y" })) };
  const html = renderHtml({ events: sampleEvents, summary });
  assert(!html.includes("\x1b") && !html.includes("\x07"), "no raw control character");
  assertStringIncludes(html, "x \\x1b]0;PWNED\\x07 y");
});
