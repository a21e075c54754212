/**
 * Fake agent CLIs for tests: small bash scripts named like the real binaries (`claude`,
 * `codex`, `opencode`, `gemini`, ...) written into a temp bin directory that tests put first
 * on PATH. They replay recorded samples or act out failure modes (hang, ignore SIGTERM, leave
 * grandchildren, flood stdout, print a verdict).
 *
 * The e2e helpers reuse {@link createFakeBin} and the output builders.
 *
 * @module
 */
import { join } from "node:path";

/** Where the recorded agent samples live (copied from docs/agent-samples). */
export const SAMPLES_DIR: string = new URL("../../fixtures/agent-samples/", import.meta.url).pathname;

/** What a fake agent does. */
export type FakeMode =
  /** Replays `<cli>/<case>.{out,err,code}` from the samples. */
  | { kind: "replay"; cli: string; case: string }
  /** Prints fixed output (optionally after creating files in its cwd) and exits. */
  | {
    kind: "output";
    stdout?: string;
    stderr?: string;
    exitCode?: number;
    /** Files to write, relative to the cwd, before printing. */
    writes?: Record<string, string>;
    /** Seconds to sleep before printing. */
    delaySec?: number;
  }
  /** Prints nothing and never exits. */
  | { kind: "hang" }
  /** Ignores SIGTERM and never exits (needs SIGKILL). */
  | { kind: "ignore_term" }
  /** Starts `sleep 1000` in its own process group, writes its pid to `pidFile`, then hangs or exits. */
  | { kind: "grandchild"; pidFile: string; exit?: boolean }
  /** Starts `setsid sleep 1000` (escapes the group), writes its pid to `pidFile`, then exits. */
  | { kind: "escape"; pidFile: string }
  /** Writes `bytes` bytes of `x` to stdout (no newline) and exits 0. */
  | { kind: "flood"; bytes: number }
  /** Dumps its environment to `file` (one `NAME=value` per line) and prints `stdout`. */
  | { kind: "env_dump"; file: string; stdout?: string }
  /** Copies its stdin and argv to files, then prints `stdout`. */
  | { kind: "capture"; stdinFile: string; argvFile: string; stdout?: string; exitCode?: number }
  /** Any bash body. */
  | { kind: "script"; body: string };

function q(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function body(mode: FakeMode, dataDir: string, name: string): Promise<string> | string {
  switch (mode.kind) {
    case "replay": {
      const base = join(SAMPLES_DIR, mode.cli, mode.case);
      return `cat > /dev/null\ncat ${q(base + ".out")} 2>/dev/null\ncat ${q(base + ".err")} >&2 2>/dev/null\n` +
        `exit "$(cat ${q(base + ".code")})"\n`;
    }
    case "output":
      return (async () => {
        const out = join(dataDir, `${name}.out`);
        const err = join(dataDir, `${name}.err`);
        await Deno.writeTextFile(out, mode.stdout ?? "");
        await Deno.writeTextFile(err, mode.stderr ?? "");
        let writes = "";
        for (const [rel, content] of Object.entries(mode.writes ?? {})) {
          const file = join(dataDir, `${name}.write.${encodeURIComponent(rel)}`);
          await Deno.writeTextFile(file, content);
          writes += `mkdir -p "$(dirname ${q(rel)})"\ncp ${q(file)} ${q(rel)}\n`;
        }
        return `cat > /dev/null\n${mode.delaySec ? `sleep ${mode.delaySec}\n` : ""}${writes}` +
          `cat ${q(out)}\ncat ${q(err)} >&2\nexit ${mode.exitCode ?? 0}\n`;
      })();
    case "hang":
      return "exec sleep 1000\n";
    case "ignore_term":
      return "trap '' TERM\nwhile true; do sleep 0.1; done\n";
    case "grandchild":
      return `sleep 1000 &\necho $! > ${q(mode.pidFile)}\n${mode.exit ? "exit 0" : "wait"}\n`;
    case "escape":
      return `setsid sleep 1000 > /dev/null 2>&1 < /dev/null &\necho $! > ${q(mode.pidFile)}\nexit 0\n`;
    case "flood":
      return `head -c ${mode.bytes} /dev/zero | tr '\\0' 'x'\n`;
    case "env_dump":
      return `env > ${q(mode.file)}\nprintf '%s' ${q(mode.stdout ?? "")}\n`;
    case "capture":
      return `cat > ${q(mode.stdinFile)}\nprintf '%s\\n' "$@" > ${q(mode.argvFile)}\n` +
        `printf '%s' ${q(mode.stdout ?? "")}\nexit ${mode.exitCode ?? 0}\n`;
    case "script":
      return mode.body;
  }
}

/** Writes one fake agent script `name` into `binDir`; returns its path. */
export async function writeFakeAgent(binDir: string, name: string, mode: FakeMode): Promise<string> {
  const path = join(binDir, name);
  const text = `#!/usr/bin/env bash\n# fake ${name}: ${mode.kind}\n${await body(mode, binDir, name)}`;
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o755);
  return path;
}

/** A temp bin directory of fake agents. */
export interface FakeBin {
  dir: string;
  /** `dir` prepended to the current PATH. */
  path: string;
  /** Replaces (or adds) one fake agent. */
  set(name: string, mode: FakeMode): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a bin directory holding the given fake agents. */
export async function createFakeBin(agents: Record<string, FakeMode> = {}): Promise<FakeBin> {
  const dir = await Deno.makeTempDir({ prefix: "fake-agents-" });
  for (const [name, mode] of Object.entries(agents)) await writeFakeAgent(dir, name, mode);
  return {
    dir,
    path: `${dir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    set: (name, mode) => writeFakeAgent(dir, name, mode),
    cleanup: () => Deno.remove(dir, { recursive: true }).catch(() => {}),
  };
}

/** Claude Code `--output-format json` success output carrying `text`. */
export function claudeResult(text: string, costUsd = 0.01): string {
  return JSON.stringify({
    type: "result",
    subtype: "success",
    is_error: false,
    num_turns: 1,
    result: text,
    total_cost_usd: costUsd,
    usage: { input_tokens: 10, output_tokens: 5 },
  }) + "\n";
}

/** Codex `exec --json` success events carrying `text`. */
export function codexResult(text: string): string {
  return [
    { type: "thread.started", thread_id: "t" },
    { type: "turn.started" },
    { type: "item.completed", item: { id: "item_0", type: "agent_message", text } },
    { type: "turn.completed", usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5 } },
  ].map((e) => JSON.stringify(e)).join("\n") + "\n";
}

/** OpenCode `run --format json` success events carrying `text`. */
export function opencodeResult(text: string, cost = 0.001): string {
  const part = { messageID: "msg_1", sessionID: "ses_1" };
  return [
    { type: "step_start", sessionID: "ses_1", part: { ...part, type: "step-start" } },
    { type: "text", sessionID: "ses_1", part: { ...part, type: "text", text } },
    {
      type: "step_finish",
      sessionID: "ses_1",
      part: { ...part, type: "step-finish", reason: "stop", cost, tokens: { input: 10, output: 5 } },
    },
  ].map((e) => JSON.stringify(e)).join("\n") + "\n";
}

/** Gemini `--output-format json` success output carrying `text`. */
export function geminiResult(text: string): string {
  return JSON.stringify({ session_id: "s", response: text, stats: { models: {} } }, null, 2) + "\n";
}

/** A reviewer's final text with a verdict line. */
export function verdictText(verdict: "APPROVED" | "CHANGES_REQUESTED", feedback = ""): string {
  return verdict === "APPROVED"
    ? `${feedback || "Looks good."}\n\nVERDICT: APPROVED`
    : `Review done.\n\nVERDICT: CHANGES_REQUESTED\n${feedback || "- add tests"}`;
}
