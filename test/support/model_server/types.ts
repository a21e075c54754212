/**
 * The neutral words of the scripted model server: every wire API (Anthropic Messages, OpenAI
 * Responses, OpenAI Chat Completions, Gemini) turns a request into a {@link Turn}, asks the
 * script for the next {@link Action}, and renders that action (or a {@link Fault}) in its own
 * streaming format. The script never sees a wire format; an API adapter never decides.
 *
 * @module
 */

/** Which wire API a request came in on. */
export type WireApi = "anthropic" | "responses" | "chat" | "gemini";

/** A tool the CLI offered the model, by its own name (`Write`, `exec_command`, `bash`, ...). */
export interface OfferedTool {
  name: string;
  /** The tool's JSON schema for its input, as sent. */
  schema?: unknown;
}

/** One request, reduced to what the script decides on. */
export interface Turn {
  api: WireApi;
  model: string;
  /** System/developer instructions, concatenated. */
  system: string;
  /** The first user message's text: the task prompt the orchestrator gave the CLI. */
  prompt: string;
  /** Every tool result the conversation carries so far, in order (how far the script got). */
  toolResults: string[];
  /**
   * How many model answers the conversation already carries (assistant messages), where the
   * API shows them. A CLI may re-ask without a tool result in between (Claude Code's
   * `--json-schema` sends "[structured-output-enforce] You MUST call the StructuredOutput
   * tool" after a text answer): that is the same run, not a new one. Unset: not known.
   */
  modelTurns?: number;
  tools: OfferedTool[];
  /**
   * Where the CLI asked for a structured final answer: `tool` (Claude's `StructuredOutput`
   * tool), `format` (Responses `text.format` json_schema / Chat `response_format`), else none.
   */
  structured?: { via: "tool" | "format"; schema: unknown; toolName?: string };
}

/** What the model does next. API adapters map `write`/`shell` onto the CLI's own tools. */
export type Action =
  | { kind: "write"; path: string; content: string }
  | { kind: "shell"; command: string }
  | { kind: "text"; text: string }
  | { kind: "structured"; value: unknown };

/** A failure the server answers with instead of an action, rendered in the API's own error shape. */
export type Fault =
  | {
    kind: "status";
    status: 401 | 404 | 429 | 500 | 503 | 529;
    retryAfterSeconds?: number;
    shouldRetry?: boolean;
    /**
     * A 429 that is a plan's usage limit with a reset time (`retryAfterSeconds` from now), not a
     * request rate limit; rendered where the API has such a shape (Responses: `usage_limit_reached`
     * with `resets_at`, which Codex prints as "try again at <time>").
     */
    usageLimit?: boolean;
  }
  | { kind: "stall" }
  | { kind: "slow"; delayMs: number };

/** The role a request belongs to, read from its prompt. */
export type RequestRole = "implement" | "review" | "side";

/** One logged request (the server keeps every one). */
export interface LoggedRequest {
  seq: number;
  /** When the server received it (epoch ms, sub-millisecond): timing tests and the bench read it. */
  at?: number;
  method: string;
  path: string;
  api: WireApi | "unknown";
  model: string;
  stream: boolean;
  role: RequestRole;
  wp: string;
  tools: string[];
  /** The action answered, or the fault. */
  answered: Action | Fault | { kind: "unrouted" };
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
