/**
 * Cursor (`cursor-agent -p --output-format json`): one `result` object on success; on failure
 * stderr only. The untrusted-workspace refusal exits 0 with no JSON: a failure.
 *
 * @module
 */
import { parseEnvelope, usageTokens } from "./envelope.ts";
import { obj } from "./json.ts";
import { JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

/** Parser for Cursor. */
export const cursorParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
    parseEnvelope(ctx, {
      cli: "cursor-agent",
      tokens: (r) => usageTokens(obj(r, "usage"), ["inputTokens"], ["outputTokens"]),
      exitCodes: { 124: "timeout" },
    }),
});
