/**
 * How a test points the pinned real GitHub Copilot CLI (`@github/copilot`) at the scripted Chat
 * Completions server: its BYOK mode (`COPILOT_PROVIDER_BASE_URL`, a custom OpenAI-compatible
 * provider instead of GitHub's model routing; no GitHub login), `COPILOT_OFFLINE=1` so it calls
 * no GitHub service, the model in `COPILOT_MODEL`, and a fresh HOME (its package cache, session
 * state and config live there).
 *
 * This is the setup a user needs to run Copilot CLI against their own endpoint:
 * `COPILOT_PROVIDER_BASE_URL=http://host:port/v1 COPILOT_PROVIDER_API_KEY=<key>
 * COPILOT_MODEL=<model>` (and `COPILOT_PROVIDER_TYPE=azure|anthropic`,
 * `COPILOT_PROVIDER_WIRE_API=responses` where they apply).
 *
 * @module
 */
import { freshHome } from "./opencode.ts";

/** Writes nothing but a fresh HOME under `dir`; returns the environment. `dir` must exist. */
export async function copilotSetup(server: { url: string }, dir: string): Promise<{ env: Record<string, string> }> {
  return {
    env: {
      ...(await freshHome(dir)),
      COPILOT_PROVIDER_BASE_URL: `${server.url}/v1`,
      COPILOT_PROVIDER_API_KEY: "sk-test",
      COPILOT_MODEL: "mock-coder",
      COPILOT_OFFLINE: "1",
    },
  };
}
