/**
 * Hosts the conformance suite can drive: our built-in host (a Deno subprocess per call, like
 * the adapter will spawn it) and, when `SPEC_KITTY_BIN` is set, the real spec-kitty.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { GIT_ENV } from "./fixture.ts";

const MAIN = fromFileUrl(new URL("../../../src/main.ts", import.meta.url));
const CONFIG = fromFileUrl(new URL("../../../deno.json", import.meta.url));

/** A host under test. */
export interface HostUnderTest {
  readonly name: string;
  readonly builtin: boolean;
  /** argv (program first) for `<host> <args>`, where args start with `orchestrator-api` or `agent`. */
  argv(args: readonly string[]): string[];
}

/** The built-in host: `deno run -A src/main.ts host ...`. */
export const BUILTIN: HostUnderTest = {
  name: "builtin",
  builtin: true,
  argv: (args) => [Deno.execPath(), "run", "-A", "--config", CONFIG, MAIN, "host", ...args],
};

/** The built-in host answering as an older era's spec-kitty (`host --emulate <era>`). */
export function builtinEmulating(era: string): HostUnderTest {
  return {
    name: `builtin (${era})`,
    builtin: true,
    argv: (args) => [Deno.execPath(), "run", "-A", "--config", CONFIG, MAIN, "host", "--emulate", era, ...args],
  };
}

/** The real host named by `SPEC_KITTY_BIN`, or null. */
export function realHost(): HostUnderTest | null {
  const bin = Deno.env.get("SPEC_KITTY_BIN");
  if (!bin) return null;
  return { name: "spec-kitty", builtin: false, argv: (args) => [bin, ...args] };
}

/** One call's outcome. */
export interface CallResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the real merge-mission prints git lines first), or null. */
  json: Record<string, unknown> | null;
}

/** Runs `host <args>` in `repo` with the host's usual environment. */
export async function callHost(host: HostUnderTest, repo: string, args: readonly string[]): Promise<CallResult> {
  const [program, ...rest] = host.argv(args);
  const out = await new Deno.Command(program ?? "false", {
    args: rest,
    cwd: repo,
    env: {
      ...GIT_ENV,
      SPECIFY_REPO_ROOT: repo,
      SKO_HOST_DELAY_MS: "0",
      SPEC_KITTY_NO_UPGRADE_CHECK: "1",
      SPEC_KITTY_NO_NAG: "1",
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(last);
  } catch {
    json = null;
  }
  return { code: out.code, stdout, stderr: new TextDecoder().decode(out.stderr), json };
}
