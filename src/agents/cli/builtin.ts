/**
 * The eleven built-in agents with current, non-deprecated command lines (docs/agents.md
 * "Built-in agents"). Reviewers get read-only modes wherever the CLI has one.
 *
 * `dangerousFlags` names honestly what the argv allows, in spellings the host accepts (it bans
 * the literal flags `--yolo`, `--full-auto`, `--dangerously-skip-permissions` and
 * `--dangerously-bypass-approvals-and-sandbox`, and any value containing "key", "token",
 * "secret", "password" or "credential").
 *
 * @module
 */
import type { BuiltinAgentId } from "../../domain/agent_ids.ts";
import type { AgentDefinition } from "../definition.ts";
import { PARSERS } from "../parse/mod.ts";
import { VERDICT_JSON_SCHEMA } from "../../core/verdict.ts";

/** The short instruction given with `-p` to CLIs whose prompt arrives on stdin (Gemini, Qwen). */
export const STDIN_PROMPT_NUDGE = "Follow the instructions above.";

const CLAUDE_REVIEW_TOOLS = "Read,Glob,Grep,Bash(git diff:*),Bash(git log:*),Bash(git show:*),Bash(git status:*)";
const PROVIDER_ENV = [
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENROUTER_API_KEY",
  "GEMINI_API_KEY",
  "GOOGLE_GENERATIVE_AI_API_KEY",
  "GROQ_API_KEY",
  "DEEPSEEK_API_KEY",
  "XAI_API_KEY",
  "MISTRAL_API_KEY",
];

type Def = Omit<AgentDefinition, "id" | "builtin">;

const DEFS: Record<BuiltinAgentId, Def> = {
  "claude-code": {
    family: "claude",
    // stream-json (JSONL; print mode requires --verbose with it) instead of the single `json`
    // result: Claude Code 2.1.328 retries failed API requests itself (10 times, about three
    // minutes) and only this format shows it (`system/api_retry` lines carrying the server's
    // retry-after as `retry_delay_ms`), so those waits are output, not a stall, and the delay
    // reaches our rate-limit wait. The last line is the same `result` object.
    implementArgv: [
      "claude",
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
    ],
    reviewArgv: [
      "claude",
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--permission-mode",
      "dontAsk",
      "--allowedTools",
      CLAUDE_REVIEW_TOOLS,
      "--disallowedTools",
      "Edit,Write,NotebookEdit",
      // Structured output: the verdict arrives as `structured_output` ({verdict, feedback}).
      "--json-schema",
      JSON.stringify(VERDICT_JSON_SCHEMA),
    ],
    prompt: "stdin",
    env: { NO_COLOR: "1", DISABLE_AUTOUPDATER: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    passEnv: [
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_AUTH_TOKEN",
      "ANTHROPIC_BASE_URL",
      "ANTHROPIC_MODEL",
      "CLAUDE_CODE_OAUTH_TOKEN",
      "CLAUDE_CONFIG_DIR",
      "CLAUDE_CODE_USE_BEDROCK",
      "CLAUDE_CODE_USE_VERTEX",
      // As root, Claude Code refuses --dangerously-skip-permissions unless IS_SANDBOX=1 (exactly
      // "1"). Passed, never set by us: declaring a machine a disposable sandbox is the user's
      // call; the parser's config failure names this fix.
      "IS_SANDBOX",
      // How often the CLI retries an API error itself before failing (default 10, ~3 min).
      "CLAUDE_CODE_MAX_RETRIES",
      // The CLI's own stalled-stream watchdog (off by default: a stalled stream then waits for
      // minutes, until our stall_timeout); with it the CLI drops and retries the request itself.
      "CLAUDE_ENABLE_BYTE_WATCHDOG",
      "CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS",
    ],
    dangerousFlags: { implement: ["claude:skip-permissions"], review: [] },
    parser: PARSERS.claude,
    install: "npm install -g @anthropic-ai/claude-code",
  },
  codex: {
    family: "codex",
    implementArgv: [
      "codex",
      "exec",
      "--json",
      "--sandbox",
      "workspace-write",
      "--skip-git-repo-check",
      // Codex 0.169 runs `exec_command` as `bash -lc` unless told otherwise, and a login shell
      // may reset PATH (Debian's /etc/profile does, for root and for everyone else): a
      // `spec-kitty` found on our PATH was "command not found" inside the agent, so no subtask
      // got marked. A plain `bash -c` keeps the PATH we start Codex with. (A model that still
      // asks for `login: true` gets "login shell is disabled by config; omit `login`…" back.)
      "-c",
      "allow_login_shell=false",
      // The workspace-write sandbox makes everything outside the workspace read-only, but
      // `mark-status` appends to the host's state under the primary checkout
      // (`kitty-specs/<mission>/`), outside the WP worktree: it failed with "Read-only file
      // system". Only that directory is added (a missing one is accepted by Codex).
      "--add-dir",
      "{repo_root}/kitty-specs/{mission}",
      "-",
    ],
    reviewArgv: [
      "codex",
      "exec",
      "--json",
      "--sandbox",
      "read-only",
      "--skip-git-repo-check",
      // Same PATH reason as for implementers (a reviewer may run `git diff` and friends).
      "-c",
      "allow_login_shell=false",
      // Structured output: the last agent message is the {verdict, feedback} object.
      "--output-schema",
      "{verdict_schema_file}",
      "-",
    ],
    prompt: "stdin",
    // TZ=UTC: Codex prints "try again at <local time>"; UTC makes it parseable.
    env: { NO_COLOR: "1", TZ: "UTC" },
    passEnv: ["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME", "OPENAI_BASE_URL"],
    dangerousFlags: { implement: ["codex:workspace-write"], review: [] },
    parser: PARSERS.codex,
    install: "npm install -g @openai/codex",
  },
  opencode: {
    family: "opencode",
    implementArgv: ["opencode", "run", "--format", "json", "--agent", "build"],
    reviewArgv: ["opencode", "run", "--format", "json", "--agent", "plan"],
    prompt: "stdin",
    env: { NO_COLOR: "1", OPENCODE_DISABLE_AUTOUPDATE: "1" },
    passEnv: [
      "OPENCODE_CONFIG",
      "OPENCODE_CONFIG_CONTENT",
      "OPENCODE_CONFIG_DIR",
      "OPENCODE_PERMISSION",
      // opencode 1.18's switches for offline or locked-down machines (no models.dev catalogue
      // fetch, no LSP server downloads, a vendored catalogue): the allow-list dropped a user's
      // setting before. (Offline the catalogue fetch fails fast: a run took as long without it.)
      "OPENCODE_DISABLE_MODELS_FETCH",
      "OPENCODE_DISABLE_LSP_DOWNLOAD",
      "OPENCODE_MODELS_PATH",
      ...PROVIDER_ENV,
    ],
    dangerousFlags: { implement: ["opencode:build-agent"], review: [] },
    parser: PARSERS.opencode,
    install: "npm install -g opencode-ai",
  },
  gemini: {
    family: "gemini",
    implementArgv: ["gemini", "--output-format", "json", "--yolo", "-p", STDIN_PROMPT_NUDGE],
    reviewArgv: ["gemini", "--output-format", "json", "--approval-mode", "plan", "-p", STDIN_PROMPT_NUDGE],
    prompt: "stdin",
    env: { NO_COLOR: "1", CI: "1", GEMINI_CLI_TRUST_WORKSPACE: "true" },
    passEnv: [
      "GEMINI_API_KEY",
      "GOOGLE_API_KEY",
      "GOOGLE_GENAI_USE_VERTEXAI",
      "GOOGLE_GENAI_USE_GCA",
      "GOOGLE_CLOUD_PROJECT",
      "GOOGLE_CLOUD_LOCATION",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "GEMINI_MODEL",
      // A Gemini-API endpoint other than Google's (a proxy or gateway); with it, settings.json
      // must select `security.auth.selectedType: "gemini-api-key"` (0.61.0 refuses the `gateway`
      // auth type it would pick from this variable alone).
      "GOOGLE_GEMINI_BASE_URL",
      "GEMINI_CLI_HOME",
    ],
    dangerousFlags: { implement: ["gemini:yolo"], review: [] },
    parser: PARSERS.gemini,
    install: "npm install -g @google/gemini-cli",
  },
  qwen: {
    family: "qwen",
    // Qwen 0.24.4 marks `-p` deprecated ("Use the positional prompt instead ... will be removed"):
    // the nudge is the positional prompt, appended to the prompt read from stdin.
    implementArgv: ["qwen", "--output-format", "json", "--yolo", STDIN_PROMPT_NUDGE],
    reviewArgv: [
      "qwen",
      "--output-format",
      "json",
      "--approval-mode",
      "plan",
      // Structured output: a synthetic `structured_output` tool with this schema; the run ends
      // on its first valid call and the result carries `structured_result` ({verdict, feedback}).
      "--json-schema",
      "@{verdict_schema_file}",
      STDIN_PROMPT_NUDGE,
    ],
    prompt: "stdin",
    env: { NO_COLOR: "1", CI: "1", QWEN_CODE_SUPPRESS_YOLO_WARNING: "1" },
    passEnv: ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "DASHSCOPE_API_KEY", "QWEN_CODE_UNATTENDED_RETRY"],
    dangerousFlags: { implement: ["qwen:yolo"], review: [] },
    parser: PARSERS.qwen,
    install: "npm install -g @qwen-code/qwen-code",
  },
  copilot: {
    family: "copilot",
    implementArgv: ["copilot", "-p", "{prompt}", "--allow-all-tools", "--no-ask-user", "--output-format", "json"],
    reviewArgv: [
      "copilot",
      "-p",
      "{prompt}",
      "--no-ask-user",
      "--output-format",
      "json",
      "--allow-tool",
      "shell(git diff)",
      "--allow-tool",
      "shell(git log)",
      "--allow-tool",
      "shell(git show)",
      "--allow-tool",
      "shell(git status)",
    ],
    prompt: "arg",
    // 1.0.102 downloads newer CLI releases in the background and runs them from the next launch
    // on: the next attempt would run a release nobody chose (or proved).
    env: { NO_COLOR: "1", COPILOT_AUTO_UPDATE: "false" },
    passEnv: [
      "COPILOT_GITHUB_TOKEN",
      "GH_TOKEN",
      "GITHUB_TOKEN",
      "COPILOT_HOME",
      "COPILOT_MODEL",
      // BYOK (1.0.x): a custom OpenAI-compatible/Azure/Anthropic endpoint instead of GitHub's
      // model routing, no GitHub login; COPILOT_OFFLINE=1 keeps it off GitHub's services.
      "COPILOT_PROVIDER_BASE_URL",
      "COPILOT_PROVIDER_TYPE",
      "COPILOT_PROVIDER_API_KEY",
      "COPILOT_PROVIDER_BEARER_TOKEN",
      "COPILOT_PROVIDER_WIRE_API",
      "COPILOT_PROVIDER_MODEL_ID",
      "COPILOT_OFFLINE",
    ],
    dangerousFlags: { implement: ["copilot:allow-all-tools"], review: [] },
    parser: PARSERS.copilot,
    install: "npm install -g @github/copilot",
  },
  cursor: {
    family: "cursor",
    implementArgv: ["cursor-agent", "-p", "--output-format", "json", "--force", "--trust", "{prompt}"],
    reviewArgv: ["cursor-agent", "-p", "--output-format", "json", "--trust", "--mode", "ask", "{prompt}"],
    prompt: "arg",
    env: { NO_COLOR: "1" },
    passEnv: ["CURSOR_API_KEY"],
    // Headless Cursor was seen not enforcing its allow-list: the reviewer is declared as trusted too.
    dangerousFlags: { implement: ["cursor:force", "cursor:trust-workspace"], review: ["cursor:trust-workspace"] },
    parser: PARSERS.cursor,
    install: "curl https://cursor.com/install -fsS | bash",
  },
  kilocode: {
    family: "kilocode",
    implementArgv: ["kilo", "run", "--format", "json", "--auto"],
    reviewArgv: ["kilo", "run", "--format", "json", "--agent", "plan"],
    prompt: "stdin",
    // Kilo (an opencode fork) checks for a newer release on start like opencode does.
    env: { NO_COLOR: "1", KILO_DISABLE_AUTOUPDATE: "1" },
    // KILO_CONFIG / KILO_CONFIG_CONTENT: its own providers (e.g. an OpenAI-compatible endpoint),
    // as opencode's OPENCODE_CONFIG; without them 7.7.7 only reaches Kilo's gateway.
    passEnv: [
      "KILO_CONFIG",
      "KILO_CONFIG_CONTENT",
      "KILO_CONFIG_DIR",
      "KILO_API_KEY",
      "KILO_PERMISSION",
      "KILO_DISABLE_MODELS_FETCH",
      ...PROVIDER_ENV,
    ],
    dangerousFlags: { implement: ["kilo:auto-approve"], review: [] },
    parser: PARSERS.opencode,
    install: "npm install -g @kilocode/cli",
  },
  augment: {
    family: "augment",
    implementArgv: ["auggie", "--print", "--output-format", "json", "--instruction-file", "{prompt_file}"],
    reviewArgv: ["auggie", "--print", "--output-format", "json", "--ask", "--instruction-file", "{prompt_file}"],
    prompt: "file",
    // 0.36.0 checks for and installs newer releases on its own unless told not to.
    env: { NO_COLOR: "1", AUGMENT_DISABLE_AUTO_UPDATE: "1" },
    passEnv: ["AUGMENT_SESSION_AUTH"],
    dangerousFlags: { implement: ["auggie:print-mode-tools"], review: [] },
    parser: PARSERS.auggie,
    install: "npm install -g @augmentcode/auggie",
  },
  pi: {
    family: "pi",
    implementArgv: ["pi", "-p", "--mode", "json", "--no-session", "--tools", "read,bash,edit,write,grep,find,ls"],
    reviewArgv: ["pi", "-p", "--mode", "json", "--no-session", "--tools", "read,grep,find,ls"],
    prompt: "stdin",
    env: { NO_COLOR: "1" },
    // Pi 0.73 reads its providers/models/settings from PI_CODING_AGENT_DIR (default
    // ~/.pi/agent): without it a user's custom provider was invisible ("No API key found for the
    // selected model"). PI_OFFLINE=1 skips its start-up network calls.
    passEnv: [...PROVIDER_ENV, "PI_CODING_AGENT_DIR", "PI_OFFLINE"],
    // Pi has no permission prompts: bash/edit/write run unasked.
    dangerousFlags: { implement: ["pi:unprompted-bash-edit-write"], review: [] },
    parser: PARSERS.pi,
    install: "npm install -g @mariozechner/pi-coding-agent",
  },
  letta: {
    family: "letta",
    implementArgv: ["letta", "-p", "--output-format", "json", "--yolo"],
    reviewArgv: [
      "letta",
      "-p",
      "--output-format",
      "json",
      "--permission-mode",
      "standard",
      "--tools",
      "Read,Glob,Grep",
    ],
    prompt: "stdin",
    // 0.32.18 checks the registry on every start and runs `npm install -g` of a newer release
    // unless DISABLE_AUTOUPDATER=1: an orchestrated run must not upgrade the user's CLI.
    env: { NO_COLOR: "1", DISABLE_AUTOUPDATER: "1" },
    passEnv: ["LETTA_API_KEY", "LETTA_BASE_URL"],
    dangerousFlags: { implement: ["letta:yolo"], review: [] },
    parser: PARSERS.letta,
    install: "npm install -g @letta-ai/letta-code",
  },
};

/** The built-in definition of `id`. */
export function builtinDefinition(id: BuiltinAgentId): AgentDefinition {
  return { id, builtin: true, ...DEFS[id] };
}
