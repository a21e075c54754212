/**
 * Letta Code (`letta -p --output-format json`): one pretty-printed `result` object, or
 * stream-json lines ending in `result`/`error`. Failures usually print only `Error: …` on stderr.
 *
 * @module
 */
import { parseEnvelope, usageTokens } from "./envelope.ts";
import { obj } from "./json.ts";
import { JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

/** Parser for Letta Code. */
export const lettaParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
    parseEnvelope(ctx, {
      cli: "letta",
      tokens: (r) => usageTokens(obj(r, "usage"), ["prompt_tokens"], ["completion_tokens"]),
    }),
});
