/**
 * Byte sizes for orchestration.yaml: an integer number of bytes, or `512KiB`, `50MiB`, `1GiB`
 * (binary) and `500KB`, `50MB`, `1GB` (decimal).
 *
 * @module
 */

/** The accepted string syntax, also used as the JSON Schema `pattern`. */
export const SIZE_PATTERN = /^([0-9]{1,10})(B|KB|KiB|MB|MiB|GB|GiB)$/;

/** The rule, phrased for error messages. */
export const SIZE_RULE = "must be a size like `512KiB`, `50MiB` or `1GiB`, or an integer number of bytes";

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1000,
  KiB: 1024,
  MB: 1000 ** 2,
  MiB: 1024 ** 2,
  GB: 1000 ** 3,
  GiB: 1024 ** 3,
};

/**
 * Parses a size into bytes; integers are taken as bytes.
 *
 * @throws {RangeError} naming the rule and the value when `value` is not a size.
 */
export function parseSize(value: string | number): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else {
    const match = SIZE_PATTERN.exec(value);
    if (match !== null) return Number(match[1]) * (UNITS[match[2] ?? "B"] ?? 1);
  }
  throw new RangeError(`Cannot parse size as it ${SIZE_RULE}: current value is ${JSON.stringify(value)}`);
}
