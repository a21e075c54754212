/**
 * How a test points the pinned real Letta Code CLI (`@letta-ai/letta-code`) at the scripted
 * Chat Completions server: a fresh HOME, then the two commands a user runs once to use Letta
 * with their own OpenAI-compatible endpoint instead of Letta Cloud:
 *
 * ```sh
 * letta backend local                       # agents, conversations and memory on this machine
 * letta connect openai-compatible --base-url http://host:port/v1 --api-key <key>
 * ```
 *
 * Both write `~/.letta/` (settings.json, lc-local-backend/providers); `connect` checks the
 * endpoint with `GET /v1/models` and the first model listed becomes the default of new agents.
 * Our argv (`letta -p --output-format json …`) then runs with no Letta account and no
 * `LETTA_API_KEY`.
 *
 * @module
 */
import { freshHome } from "./opencode.ts";
import { pinnedBinary, pinnedPath } from "./pinned.ts";

/** What {@link lettaSetup} made. */
export interface LettaSetup {
  /** HOME and the XDG dirs. Add PATH yourself. */
  env: Record<string, string>;
}

async function letta(args: string[], env: Record<string, string>, cwd: string): Promise<void> {
  const out = await new Deno.Command(pinnedBinary("letta"), {
    args,
    cwd,
    clearEnv: true,
    env: { PATH: pinnedPath(), LANG: "C.UTF-8", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  if (!out.success) {
    const dec = new TextDecoder();
    throw new Error(`letta ${args.join(" ")} failed (${out.code}): ${dec.decode(out.stdout)}${dec.decode(out.stderr)}`);
  }
}

/** Runs the two setup commands in a fresh HOME under `dir`; `dir` must exist. */
export async function lettaSetup(server: { url: string }, dir: string): Promise<LettaSetup> {
  const env = await freshHome(dir);
  await letta(["backend", "local"], env, dir);
  await letta(["connect", "openai-compatible", "--base-url", `${server.url}/v1`, "--api-key", "sk-test"], env, dir);
  return { env };
}
