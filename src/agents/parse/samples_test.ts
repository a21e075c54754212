/**
 * Replays every recorded agent sample (test/fixtures/agent-samples, copied from the research
 * notes) through its CLI's parser and checks the manifest's classification and final message.
 */
import { assert, assertEquals } from "../../../test/support/assert.ts";
import type { FailureClass } from "../../domain/agent.ts";
import { type ParserName, PARSERS } from "./mod.ts";
import { parseAll } from "../stdout_capture.ts";

const DIR = new URL("../../../test/fixtures/agent-samples/", import.meta.url);
const NOW = Date.UTC(2025, 5, 23, 0, 0, 0);

interface Case {
  cli: string;
  case: string;
  exit_code: number;
  classification: string;
  final_message: string | null;
  notes: string;
}

const PARSER_OF: Record<string, ParserName> = {
  claude: "claude",
  codex: "codex",
  opencode: "opencode",
  gemini: "gemini",
  qwen: "qwen",
  copilot: "copilot",
  cursor: "cursor",
  kilo: "opencode",
  auggie: "auggie",
  pi: "pi",
  letta: "letta",
};

const EXPECTED_CLASS: Record<string, readonly (FailureClass | "ok")[]> = {
  success: ["ok"],
  auth: ["auth"],
  rate_limit: ["rate_limit"],
  model_not_found: ["model_not_found"],
  config: ["config"],
  timeout: ["timeout"],
  generic: ["crash", "bad_output"],
};

/** Retry delays the samples carry, relative to NOW. */
const RETRY_AFTER: Record<string, number> = {
  "claude/usage_limit": Date.UTC(2026, 3, 23, 19, 0) - NOW,
  "claude/usage_limit_legacy": 1750708800_000 - NOW,
  "claude/stream_rate_limit": 4102444800_000 - NOW,
  "codex/usage_limit": Date.UTC(2026, 3, 28, 22, 3) - NOW,
  "opencode/rate_limit": 37_000,
  "gemini/rate_limit": 35_785,
  "gemini/stream_rate_limit": 35_785,
};

async function readOr(path: URL, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return fallback;
  }
}

const manifest = JSON.parse(await Deno.readTextFile(new URL("manifest.json", DIR))) as { cases: Case[] };

Deno.test("samples manifest lists all 71 cases", () => {
  assertEquals(manifest.cases.length, 71);
});

for (const c of manifest.cases) {
  const key = `${c.cli}/${c.case}`;
  Deno.test(`parser(${key}) classifies as ${c.classification}`, async () => {
    const stdout = await readOr(new URL(`${key}.out`, DIR), "");
    const stderr = await readOr(new URL(`${key}.err`, DIR), "");
    const code = Number((await Deno.readTextFile(new URL(`${key}.code`, DIR))).trim());
    assertEquals(code, c.exit_code);
    const parserName = PARSER_OF[c.cli];
    assert(parserName !== undefined, `no parser for ${c.cli}`);
    const out = parseAll(PARSERS[parserName], { stdout, stderr, exitCode: code, nowMs: NOW });
    const got = out.ok ? "ok" : out.failure?.class ?? "none";
    const want = EXPECTED_CLASS[c.classification] ?? [];
    assert(
      want.includes(got as FailureClass | "ok"),
      `${key}: expected ${want.join("|")}, got ${got}: ${out.failure?.message}`,
    );
    assertEquals(out.ok, out.failure === null);
    if (!out.ok) assert((out.failure?.message ?? "").length > 0, `${key}: empty failure message`);
    if (c.final_message === "(structured_output)") {
      const doc = JSON.parse(stdout) as { structured_output: unknown };
      assertEquals(JSON.parse(out.finalMessage), doc.structured_output);
    } else if (c.final_message !== null) {
      assertEquals(out.finalMessage, c.final_message);
    }
    const retry = RETRY_AFTER[key];
    if (retry !== undefined) assertEquals(out.failure?.retryAfterMs, retry);
  });
}

Deno.test("parsers report cost and tokens where the CLI gives them", async () => {
  const run = async (cli: string, name: string, parser: ParserName) => {
    const stdout = await Deno.readTextFile(new URL(`${cli}/${name}.out`, DIR));
    return parseAll(PARSERS[parser], { stdout, stderr: "", exitCode: 0, nowMs: NOW });
  };
  const claude = await run("claude", "success", "claude");
  assertEquals(claude.costUsd, 0.1843);
  assertEquals(claude.tokens, { input: 21 + 9369 + 84296, output: 1730 });
  const opencode = await run("opencode", "success", "opencode");
  assertEquals(Math.round((opencode.costUsd ?? 0) * 1e6), Math.round((0.0123 + 0.0011) * 1e6));
  const codex = await run("codex", "success", "codex");
  assertEquals(codex.costUsd, null);
  assertEquals(codex.tokens, { input: 31003, output: 1350 });
  const pi = await run("pi", "success", "pi");
  assertEquals(Math.round((pi.costUsd ?? 0) * 1e6), Math.round((0.0048 + 0.00414) * 1e6));
  const auggie = await run("auggie", "success_with_cost", "auggie");
  assertEquals(auggie.costUsd, 0.42);
  const gemini = await run("gemini", "success", "gemini");
  assertEquals(gemini.tokens, { input: 24939, output: 420 });
});

Deno.test("parsers: the samples whose exit code lies are decided by their output", async () => {
  const traps: [string, ParserName, boolean][] = [
    ["cursor/untrusted_workspace", "cursor", false],
    ["pi/error", "pi", false],
    ["opencode/model_not_found_legacy", "opencode", false],
    ["opencode/v2_recovered_error", "opencode", true],
    ["codex/recovered_reconnect", "codex", true],
    ["claude/usage_limit", "claude", false],
  ];
  for (const [key, parser, ok] of traps) {
    const stdout = await readOr(new URL(`${key}.out`, DIR), "");
    const stderr = await readOr(new URL(`${key}.err`, DIR), "");
    const code = Number((await Deno.readTextFile(new URL(`${key}.code`, DIR))).trim());
    assertEquals(parseAll(PARSERS[parser], { stdout, stderr, exitCode: code, nowMs: NOW }).ok, ok, key);
  }
});

Deno.test("parsers: exit 0 with garbage on stdout is bad_output, not success", () => {
  for (const name of Object.keys(PARSERS) as ParserName[]) {
    const out = parseAll(PARSERS[name], { stdout: "not json at all\n", stderr: "", exitCode: 0, nowMs: NOW });
    assertEquals(out.ok, false, name);
    assertEquals(out.failure?.class, "bad_output", name);
  }
});

Deno.test("parsers: truncated claude JSON is not success", () => {
  const out = parseAll(PARSERS.claude, { stdout: '{"type":"result","is_error":false,"res', stderr: "", exitCode: 0 });
  assertEquals(out.failure?.class, "bad_output");
});
