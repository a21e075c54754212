/**
 * Renders the HTML run report in headless Chromium and checks, in the DOM after the page's
 * scripts ran, that the timeline was really drawn: one bar per attempt with the expected data
 * attributes, the axis, the legend, and no injected markup.
 *
 * Chromium comes from Debian's `chromium` package (`scripts/ensure_chromium.sh`); `SKO_CHROMIUM`
 * points at another Chromium-based browser (GitHub's Ubuntu runners ship /usr/bin/google-chrome).
 *
 * @module
 */
import { join } from "node:path";
import { renderHtml } from "../../src/report/html.ts";
import type { RunEvent } from "../../src/domain/run_events.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { SAMPLE_ATTEMPTS, sampleEvents, sampleSummary } from "../support/sample_run.ts";

const CHROMIUM = Deno.env.get("SKO_CHROMIUM") || "/usr/bin/chromium";
const TIMEOUT_MS = 60_000;

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

/** Runs headless Chromium on `file` and returns the serialised DOM; kills its whole process group. */
async function dumpDom(file: string, profile: string): Promise<string> {
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--dump-dom",
      `file://${file}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    // Its own process group, so the renderer/zygote children die with it.
    detached: true,
  }).spawn();
  const killGroup = () => {
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(killGroup, TIMEOUT_MS);
  try {
    const out = await child.output();
    return new TextDecoder().decode(out.stdout);
  } finally {
    clearTimeout(timer);
    killGroup();
  }
}

const hostile = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
const events: RunEvent[] = sampleEvents.map((e) =>
  e.type === "attempt_finished" && e.result !== "ok" ? { ...e, message: `${hostile} ${e.message ?? ""}` } : e
);
const summary = { ...sampleSummary, wps: sampleSummary.wps.map((w) => ({ ...w, reason: `${hostile} ${w.reason}` })) };

Deno.test({
  name: chromiumInstalled()
    ? "renderHtml() page draws one timeline bar per attempt in headless Chromium"
    : "renderHtml() page draws one timeline bar per attempt in headless Chromium (skipped: chromium not installed; run scripts/ensure_chromium.sh)",
  ignore: !chromiumInstalled() || Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sko-render-" });
    try {
      const file = join(dir, "report.html");
      await Deno.writeTextFile(file, renderHtml({ events, summary }));
      const dom = await dumpDom(file, join(dir, "profile"));

      assert(dom.includes("<svg"), `the script drew no SVG; DOM starts with: ${dom.slice(0, 300)}`);
      const bars = [...dom.matchAll(/<rect [^>]*class="bar"[^>]*>/g)].map((m) => attrs(m[0]));
      assertEquals(bars.length, SAMPLE_ATTEMPTS);
      assertEquals(count(bars.map((b) => b["data-kind"]!)), { implement: 4, review: 3, rework: 1 });
      assertEquals(count(bars.map((b) => b["data-result"]!)), { auth: 1, ok: 6, timeout: 1 });
      assertEquals(count(bars.map((b) => b["data-wp"]!)), { WP01: 4, WP02: 3, WP03: 1 });
      assertEquals(count(bars.map((b) => b["data-agent"]!)), { claude: 4, codex: 3, opencode: 1 });
      for (const b of bars) {
        assert(Number(b.width) >= 3 && Number(b.x) >= 80, `bar inside the plot: ${JSON.stringify(b)}`);
      }
      assert(dom.includes(`data-rendered="${SAMPLE_ATTEMPTS}"`), "the script finished");
      assert((dom.match(/class="tick"/g)?.length ?? 0) >= 3, "the time axis has ticks");
      assertEquals(dom.match(/<li><span class="swatch"/g)?.length, 3 + 6, "legend: 3 agents + 6 styles");
      assert(!/data-pwned="1"/.test(dom), "hostile text in the page must not run");
      assert(dom.includes("&lt;img src=x"), "hostile text is shown as text");
      assert(!/<img/i.test(dom), `hostile text must not become elements: ${dom.match(/.{80}<img.{40}/s)?.[0]}`);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

function attrs(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

function count(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
}
