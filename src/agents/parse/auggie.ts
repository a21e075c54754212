/**
 * Auggie (`auggie --print --output-format json`): one `result` object; cost only with
 * `--show-cost` and only when `billing.usage_unit` is `usd`.
 *
 * @module
 */
import { parseEnvelope } from "./envelope.ts";
import { num, obj, str } from "./json.ts";
import { JSON_VALUE_NEEDS, type ParserFactory, type StreamParser } from "./types.ts";

/** Parser for Auggie. */
export const auggieParser: ParserFactory = (): StreamParser => ({
  stdout: JSON_VALUE_NEEDS,
  line() {},
  finish: (ctx) =>
    parseEnvelope(ctx, {
      cli: "auggie",
      cost: (r) => {
        const billing = obj(r, "billing");
        return str(billing, "usage_unit") === "usd" ? num(billing, "total_cost") ?? null : null;
      },
    }),
});
