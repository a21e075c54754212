/**
 * Replays what the pinned real agent CLIs printed (test/fixtures/agent-samples-real/
 * `<agent>-<version>/<case>.{out,err,code}`, recorded by the tests under test/real_cli/ with
 * `RECORD_REAL_SAMPLES=1`) through the parser of the agent's built-in definition, checking
 * each case against its `<case>.expect.json` (format: that directory's README.md). A fixture
 * directory that has expectation files must have one for every recorded case.
 */
import { assert, assertEquals, assertStringIncludes } from "../../../test/support/assert.ts";
import { builtinDefinition } from "../cli/builtin.ts";
import { isBuiltinAgentId } from "../../domain/agent_ids.ts";
import { type AgentRole, FAILURE_CLASSES, type FailureClass } from "../../domain/agent.ts";
import { parseVerdict } from "../../core/verdict.ts";
import { parseAll } from "../stdout_capture.ts";

const ROOT = new URL("../../../test/fixtures/agent-samples-real/", import.meta.url);

/** One `<case>.expect.json`. */
interface Expectation {
  /** `ok`, or the failure class the parser must give. */
  outcome: "ok" | FailureClass;
  /** The attempt's role. @default "implement" */
  role?: AgentRole;
  /** A substring of the final message (ok) or of the failure message. */
  text?: string;
  /** Reviewer cases: the verdict the final message parses to. */
  verdict?: "approved" | "changes_requested";
  /** The failure's retry delay in ms within [min, max]; null: the failure must carry none. */
  retryAfterMs?: { min: number; max: number } | null;
  /** The clock the parser gets (epoch ms), for reset times printed as wall-clock times. @default now */
  nowMs?: number;
  /** Why this is the outcome (e.g. a case the runner, not the parser, classifies). */
  note?: string;
}

const KEYS = new Set(["outcome", "role", "text", "verdict", "retryAfterMs", "nowMs", "note"]);

/** The agent id of a fixture directory name `<agent>-<version>` (the version starts with a digit). */
export function agentOfDir(name: string): string | null {
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(name);
  return m?.[1] ?? null;
}

function validate(where: string, raw: unknown): Expectation {
  assert(typeof raw === "object" && raw !== null && !Array.isArray(raw), `${where}: not a JSON object`);
  const e = raw as Record<string, unknown>;
  for (const k of Object.keys(e)) assert(KEYS.has(k), `${where}: unknown key '${k}' (known: ${[...KEYS].join(", ")})`);
  assert(
    e["outcome"] === "ok" || FAILURE_CLASSES.includes(e["outcome"] as FailureClass),
    `${where}: outcome must be "ok" or one of ${FAILURE_CLASSES.join(", ")}; got ${JSON.stringify(e["outcome"])}`,
  );
  return e as unknown as Expectation;
}

async function readOr(url: URL, fallback: string): Promise<string> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return fallback;
  }
}

interface Loaded {
  dir: string;
  agent: string;
  cases: string[];
  expectations: Map<string, Expectation>;
}

async function load(): Promise<Loaded[]> {
  const out: Loaded[] = [];
  for await (const d of Deno.readDir(ROOT)) {
    if (!d.isDirectory) continue;
    const agent = agentOfDir(d.name);
    const cases: string[] = [];
    const expectations = new Map<string, Expectation>();
    for await (const f of Deno.readDir(new URL(`${d.name}/`, ROOT))) {
      if (f.name.endsWith(".code")) cases.push(f.name.replace(/\.code$/, ""));
      if (f.name.endsWith(".expect.json")) {
        const name = f.name.replace(/\.expect\.json$/, "");
        const where = `${d.name}/${f.name}`;
        const text = await Deno.readTextFile(new URL(`${d.name}/${f.name}`, ROOT));
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch (e) {
          throw new Error(`${where}: not JSON: ${(e as Error).message}`);
        }
        expectations.set(name, validate(where, raw));
      }
    }
    if (expectations.size === 0) continue; // replayed by that CLI's own test
    assert(agent !== null && isBuiltinAgentId(agent), `${d.name}: not <built-in agent id>-<version>`);
    out.push({ dir: d.name, agent, cases: cases.sort(), expectations });
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

const dirs = await load();

Deno.test("real samples: the claude-code fixtures are present and replayed here", () => {
  assert(dirs.some((d) => d.agent === "claude-code"), `no claude-code-<version>/ with expectations under ${ROOT}`);
});

for (const d of dirs) {
  Deno.test(`real samples ${d.dir}: every recorded case has an expectation and every expectation a recording`, () => {
    assertEquals(d.cases, [...d.expectations.keys()].sort());
  });

  const def = builtinDefinition(d.agent as Parameters<typeof builtinDefinition>[0]);
  for (const [name, want] of d.expectations) {
    Deno.test(`real samples ${d.dir}/${name} replays as ${want.outcome}`, async () => {
      const base = new URL(`${d.dir}/${name}`, ROOT);
      const stdout = await readOr(new URL(`${base}.out`), "");
      const stderr = await readOr(new URL(`${base}.err`), "");
      const codeText = (await readOr(new URL(`${base}.code`), "")).trim();
      const exitCode = codeText === "killed" ? null : Number(codeText);
      const out = parseAll(def.parser, {
        stdout,
        stderr,
        exitCode,
        role: want.role ?? "implement",
        nowMs: want.nowMs ?? Date.now(),
      });
      assertEquals(out.ok ? "ok" : out.failure?.class, want.outcome, out.failure?.message);
      assertEquals(out.ok, out.failure === null);
      if (!out.ok) assert((out.failure?.message ?? "").trim() !== "", "a failure says why");
      if (want.text !== undefined) assertStringIncludes(out.ok ? out.finalMessage : out.failure!.message, want.text);
      if (want.verdict !== undefined) assertEquals(parseVerdict(out.finalMessage)?.verdict, want.verdict);
      if (want.retryAfterMs === null) assertEquals(out.failure?.retryAfterMs, undefined);
      else if (want.retryAfterMs !== undefined) {
        const ms = out.failure?.retryAfterMs ?? -1;
        assert(ms >= want.retryAfterMs.min && ms <= want.retryAfterMs.max, `retryAfterMs ${ms}`);
      }
    });
  }
}

Deno.test("agentOfDir() splits <agent>-<version> at the version", () => {
  assertEquals(agentOfDir("claude-code-2.1.328"), "claude-code");
  assertEquals(agentOfDir("codex-0.169.0"), "codex");
  assertEquals(agentOfDir("gemini-0.61.0"), "gemini");
  assertEquals(agentOfDir("README.md"), null);
});
