/**
 * The documented fallback classification (docs/agents.md "Fallback patterns"): HTTP statuses and text patterns
 * over a CLI's terminal error message or its stderr. Parsers use structured fields first and
 * call these only when the CLI gave nothing better.
 *
 * @module
 */
import type { FailureClass } from "../../domain/agent.ts";

const AUTH = new RegExp(
  [
    "not logged in",
    "please run /login",
    "invalid api key",
    "invalid x-api-key",
    "authentication_failed",
    "failed to authenticate",
    "oauth session expired",
    "401 unauthorized",
    "missing bearer",
    "no auth provided",
    "missing letta_api_key",
    "please set an auth method",
    "no auth type is selected",
    "no models available",
    "please use /login",
    "not authenticated",
    // Copilot CLI 1.0.102 with no token (GitHub's other message, "Authentication token found but
    // could not be validated", is a network failure: the token may be fine).
    "no authentication information found",
  ].join("|"),
  "i",
);

const RATE_LIMIT = new RegExp(
  [
    "usage limit",
    "hit your (\\w+ )?limit",
    "out of extra usage",
    "rate.?limit",
    "\\b429\\b",
    "too many requests",
    "quota",
    "resource_exhausted",
    "exhausted your (daily quota|capacity)",
    "monthly quota",
    "weekly rate limit",
  ].join("|"),
  "i",
);

/**
 * The provider is busy for everyone (Anthropic's 529 `overloaded_error`, shown by Claude Code as
 * "API Error: 529 Overloaded"): transient, like a rate limit. The word alone is not enough, as a
 * compiler's "overloaded operator" in an agent's stderr is not the API's answer.
 */
const OVERLOADED = /overloaded_error|\b529\b[^\n]{0,40}overloaded|overloaded[^\n]{0,40}\b529\b/i;

const MODEL = new RegExp(
  [
    "models?\\W[^\\n]*(not found|does not exist|is not supported|is not available)",
    "issue with the selected model",
    "model_not_supported",
    "providermodelnotfounderror",
    "invalid model",
    "no model available",
  ].join("|"),
  "i",
);

const CONFIG = new RegExp(
  [
    "invalid permission mode",
    "unexpected argument",
    "unknown arguments?",
    // Usage errors of the real CLIs for a flag that does not exist (auggie 0.36.0 "error: unknown
    // option '--x'", letta 0.32.18 "Unknown option '--x'", copilot 1.0.102 "error: Invalid
    // command format."): configuration to fix, never a transient crash to retry.
    "unknown option",
    "invalid command format",
    "requires --verbose",
    "not inside a trusted directory",
    "workspace trust required",
    "not running in a trusted directory",
    "cannot be used with root",
  ].join("|"),
  "i",
);

const TURN_LIMIT = /reached max(imum)? (number of |session )?turns/i;

/** Classifies a message by the fallback patterns above, in the documented order; null when none match. */
export function classifyText(text: string): FailureClass | null {
  if (text.trim() === "") return null;
  if (AUTH.test(text)) return "auth";
  if (RATE_LIMIT.test(text)) return "rate_limit";
  if (OVERLOADED.test(text)) return "overloaded";
  if (MODEL.test(text)) return "model_not_found";
  if (CONFIG.test(text)) return "config";
  if (TURN_LIMIT.test(text)) return "timeout";
  return null;
}

/** Maps an HTTP status an agent reported to a class; null for statuses with no specific class. */
export function classifyHttpStatus(status: number | undefined | null): FailureClass | null {
  if (status === 401 || status === 403) return "auth";
  if (status === 429 || status === 402) return "rate_limit";
  if (status === 529 || status === 503) return "overloaded";
  if (status === 404) return "model_not_found";
  return null;
}

/** The last non-empty lines of `text`, for failure messages. */
export function lastLines(text: string, count = 5, maxChars = 800): string {
  const lines = text.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const joined = lines.slice(-count).join("\n");
  return joined.length > maxChars ? joined.slice(joined.length - maxChars) : joined;
}

/** The first line of `text` that a pattern classifies (the line that explains the failure), else its last lines. */
export function explainingLine(text: string): string {
  for (const line of text.split("\n")) {
    if (classifyText(line)) return line.trim();
  }
  return lastLines(text);
}
