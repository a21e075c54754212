/**
 * ULIDs for event ids (26 Crockford base32 characters: 48-bit milliseconds + 80 random bits),
 * monotonic within a process so two events of one batch sort in emission order.
 *
 * @module
 */

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = -1;
let lastRandom: number[] = [];

function randomDigits(): number[] {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b % 32);
}

function increment(digits: number[]): number[] {
  const out = [...digits];
  for (let i = out.length - 1; i >= 0; i--) {
    const next = (out[i] ?? 0) + 1;
    if (next < 32) {
      out[i] = next;
      return out;
    }
    out[i] = 0;
  }
  return randomDigits(); // overflow of 80 bits in one millisecond: practically impossible
}

/** A new ULID for `time` (ms since epoch). */
export function ulid(time: number = Date.now()): string {
  if (time <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = time;
    lastRandom = randomDigits();
  }
  let t = Math.max(time, lastTime);
  let prefix = "";
  for (let i = 0; i < 10; i++) {
    prefix = (ALPHABET[t % 32] ?? "0") + prefix;
    t = Math.floor(t / 32);
  }
  return prefix + lastRandom.map((d) => ALPHABET[d]).join("");
}
