/**
 * The environment an agent runs with: an allow-list, never our whole environment.
 *
 * Agents are spawned with `clearEnv: true`; only the variables named here reach them: the
 * basics every CLI needs, proxy/CA settings, the agent's own auth/config variables (by name,
 * from its registry entry or a custom agent's `passEnv`), the agent's fixed variables
 * (`NO_COLOR=1`, `GEMINI_CLI_TRUST_WORKSPACE=true`, ...) and the attempt's `spec.env`.
 *
 * @module
 */

/** Variables every agent gets when they are set. */
export const BASE_ENV_ALLOW: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LANGUAGE",
  "TERM",
  "TMPDIR",
  "SHELL",
  "TZ",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
  "XDG_STATE_HOME",
  "XDG_RUNTIME_DIR",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NODE_EXTRA_CA_CERTS",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

/** Prefixes of variables every agent gets (locale categories). */
export const BASE_ENV_PREFIXES: readonly string[] = ["LC_"];

/** Inputs of {@link buildAgentEnv}. */
export interface AgentEnvInput {
  /** Where values come from (our process environment, or a test's). */
  source: Readonly<Record<string, string | undefined>>;
  /** Extra variable names this agent may receive (auth/config, `passEnv`). */
  allow: readonly string[];
  /** Fixed values for this agent (they win over `source`). */
  fixed?: Readonly<Record<string, string>>;
  /** The attempt's own variables (win over everything). */
  extra?: Readonly<Record<string, string>>;
}

/** Builds the filtered environment; see the module doc. */
export function buildAgentEnv(input: AgentEnvInput): Record<string, string> {
  const allowed = new Set([...BASE_ENV_ALLOW, ...input.allow]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.source)) {
    if (value === undefined) continue;
    if (allowed.has(name) || BASE_ENV_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  Object.assign(env, input.fixed ?? {}, input.extra ?? {});
  return env;
}

/** Our process environment as a plain object (empty when env access is not permitted). */
export function processEnv(): Record<string, string> {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}
