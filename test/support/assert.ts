/**
 * Minimal assertions for our tests (JSR's `@std/assert` is not reachable from our machines).
 *
 * @module
 */

/** Thrown by failed assertions. */
export class AssertionError extends Error {
  override get name(): string {
    return "AssertionError";
  }
}

function fmt(value: unknown): string {
  try {
    return Deno.inspect(value, { depth: 8, colors: false, sorted: true, compact: true, iterableLimit: 200 });
  } catch {
    return String(value);
  }
}

/** Structural equality for plain data, arrays, maps, sets, dates and regexps. */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equal(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Asserts `actual` deep-equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}values are not equal\n  actual:   ${fmt(actual)}\n  expected: ${fmt(expected)}`,
    );
  }
}

/** Asserts `actual` does not deep-equal `expected`. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) throw new AssertionError(`${msg ? msg + ": " : ""}values are equal: ${fmt(actual)}`);
}

/** Asserts a condition is truthy. */
export function assert(condition: unknown, msg = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(msg);
}

/** Asserts `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, msg?: string): void {
  if (!text.includes(part)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected text to include ${fmt(part)}\n  text: ${fmt(text)}`);
  }
}

/** Asserts `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, msg?: string): void {
  if (!pattern.test(text)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}expected ${fmt(text)} to match ${pattern}`);
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

function checkError<E extends Error>(error: unknown, cls?: ErrorClass<E>, includes?: string): E {
  if (cls && !(error instanceof cls)) {
    throw new AssertionError(`expected error of class ${cls.name}, got ${fmt(error)}`);
  }
  if (includes !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes(includes)) {
      throw new AssertionError(`expected error message to include ${fmt(includes)}, got ${fmt(message)}`);
    }
  }
  return error as E;
}

/** Asserts `fn` throws (optionally an instance of `cls` whose message includes `includes`); returns the error. */
export function assertThrows<E extends Error = Error>(fn: () => unknown, cls?: ErrorClass<E>, includes?: string): E {
  try {
    fn();
  } catch (error) {
    return checkError(error, cls, includes);
  }
  throw new AssertionError("expected function to throw");
}

/** Async version of {@link assertThrows}. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    return checkError(error, cls, includes);
  }
  throw new AssertionError("expected promise to reject");
}
