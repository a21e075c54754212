/**
 * Qwen Code (`qwen --output-format json`): a one-line JSON array of messages whose last one is
 * the `result`; errors in `error.message`. Exit 53 = turn limit, 55 = budget (not "untrusted").
 *
 * @module
 */
import { parseEnvelope, usageTokens } from "./envelope.ts";
import { obj } from "./json.ts";
import { JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

/** Parser for Qwen Code. */
export const qwenParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
    parseEnvelope(ctx, {
      cli: "qwen",
      tokens: (r) => usageTokens(obj(r, "usage"), ["input_tokens"], ["output_tokens"]),
      exitCodes: { 41: "auth", 42: "config", 52: "config", 53: "timeout", 55: "timeout" },
      finalFrom: (r) => r["structured_result"] === undefined ? undefined : JSON.stringify(r["structured_result"]),
    }),
});
