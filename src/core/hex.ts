/**
 * Bytes as lowercase hex, the one way: random ids (run ids, temp names, correlation ids) and
 * SHA-256 digests (the run-state and journal checksums, release sums). Web Crypto, no `Deno.*`.
 *
 * @module
 */

/** `bytes` as lowercase hex, two characters per byte. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `length` random lowercase hex characters. */
export function randomHex(length: number): string {
  return hex(crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)))).slice(0, length);
}

/** Lowercase hex SHA-256 of `data` (a string is hashed as its UTF-8 bytes). */
export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
