/**
 * Letta Code (`letta -p --output-format json`): one pretty-printed `result` object, or
 * stream-json lines ending in `result`/`error`. Failures usually print only `Error: …` on stderr.
 *
 * With the local backend (`letta backend local` and a provider from `letta connect`), 0.32.18
 * reports a failed model call as `Error: {"error": {"error": {"message": "401: {…}", "detail",
 * "error_type": "llm_error", "retryable": false, "run_id"}}}` on stderr: the provider's HTTP
 * status leads the message and decides the class (a 401's "Incorrect API key provided" matched
 * no text pattern and was a crash, retried).
 *
 * @module
 */
import { classifyHttpStatus, classifyText } from "./classify.ts";
import { parseEnvelope, usageTokens } from "./envelope.ts";
import { asObject, obj, str, tryParse } from "./json.ts";
import { failed, JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

/** The local backend's model-call error on stderr: its message and the HTTP status leading it. */
export function localBackendError(stderr: string): { message: string; status: number | undefined } | null {
  const start = stderr.lastIndexOf("Error: {");
  if (start < 0) return null;
  const rest = stderr.slice(start + "Error: ".length);
  const doc = asObject(tryParse(rest.slice(0, rest.lastIndexOf("}") + 1)));
  const outer = obj(doc, "error");
  const inner = obj(outer, "error") ?? outer;
  const message = str(inner, "message") ?? str(inner, "detail");
  if (message === undefined) return null;
  const status = /^(\d{3}):/.exec(message)?.[1];
  return { message, status: status === undefined ? undefined : Number(status) };
}

/** Parser for Letta Code. */
export const lettaParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish(ctx) {
    const out = parseEnvelope(ctx, {
      cli: "letta",
      tokens: (r) => usageTokens(obj(r, "usage"), ["prompt_tokens"], ["completion_tokens"]),
    });
    if (out.ok || out.failure === null) return out;
    const local = localBackendError(ctx.stderrTail);
    if (local === null) return out;
    const cls = classifyHttpStatus(local.status) ?? classifyText(local.message) ?? out.failure.class;
    return failed(cls, local.message, {
      tokens: out.tokens,
      ...(out.failure.retryAfterMs === undefined ? {} : { retryAfterMs: out.failure.retryAfterMs }),
    });
  },
});
