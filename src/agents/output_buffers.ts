/**
 * Bounded buffers for agent output: memory must stay flat however much an agent prints, and an
 * attempt should cost only what its parser needs (four agents run at once).
 *
 * - {@link ByteTail} keeps the last N bytes of a stream in a ring that grows only as output
 *   arrives, and decodes them in place.
 * - {@link LineSplitter} turns chunks into complete lines for the streaming parsers, dropping
 *   (and reporting) lines longer than its cap instead of buffering them.
 * - {@link JsonLineWatch} tells when a line starting with `{` or `[` appears, so JSON parsers
 *   keep a large tail only for output that can hold JSON.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);
/** Smallest allocation of a growing buffer. */
const MIN_ALLOC = 4096;

/**
 * Keeps the last `limit` bytes written (at most `capacity`). The ring is allocated as output
 * arrives, so a quiet attempt costs nothing; {@link ByteTail.raiseLimit} lets it grow further.
 */
export class ByteTail {
  #ring: Uint8Array = EMPTY;
  #start = 0;
  #size = 0;
  #total = 0;
  #limit: number;

  /** `initialLimit` (default: `capacity`) bounds the tail until {@link raiseLimit} is called. */
  constructor(readonly capacity: number, initialLimit: number = capacity) {
    this.#limit = Math.min(capacity, initialLimit);
  }

  /** Appends bytes, dropping the oldest beyond the limit. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    const cap = this.#limit;
    if (cap === 0 || chunk.length === 0) return;
    const data = chunk.length > cap ? chunk.subarray(chunk.length - cap) : chunk;
    if (this.#ring.length < cap && this.#size + data.length > this.#ring.length) {
      this.#grow(Math.min(cap, Math.max(this.#size + data.length, this.#ring.length * 2, MIN_ALLOC)));
    }
    const ring = this.#ring;
    const len = ring.length;
    let end = (this.#start + this.#size) % len;
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, len - end);
      ring.set(data.subarray(offset, offset + n), end);
      offset += n;
      end = (end + n) % len;
    }
    const size = this.#size + data.length;
    if (size > len) {
      this.#start = (this.#start + size - len) % len;
      this.#size = len;
    } else {
      this.#size = size;
    }
  }

  /** Lets the tail keep up to `limit` bytes (never more than `capacity`, never less than now). */
  raiseLimit(limit: number): void {
    this.#limit = Math.max(this.#limit, Math.min(this.capacity, limit));
  }

  /** Total bytes ever pushed. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes currently allocated for the ring (for tests and memory reports). */
  get allocatedBytes(): number {
    return this.#ring.length;
  }

  /** The kept bytes (at most the limit), oldest first, as a view of the ring (valid until the next push). */
  view(): Uint8Array {
    this.#linearize();
    return this.#ring.subarray(0, this.#size);
  }

  /** The kept bytes, oldest first, in a copy. */
  bytes(): Uint8Array {
    return this.view().slice();
  }

  /** The kept bytes as text, decoded from the ring itself (a cut character at the start becomes U+FFFD). */
  text(): string {
    return new TextDecoder().decode(this.view());
  }

  /** Replaces the ring with a larger one holding the same bytes from offset 0. */
  #grow(length: number): void {
    this.#linearize();
    const next = new Uint8Array(length);
    next.set(this.#ring.subarray(0, this.#size));
    this.#ring = next;
  }

  /** Rotates the ring in place so that the kept bytes start at offset 0 (no allocation). */
  #linearize(): void {
    const s = this.#start;
    if (s === 0) return;
    const ring = this.#ring;
    if (s + this.#size <= ring.length) {
      ring.copyWithin(0, s, s + this.#size);
    } else {
      // Wrapped: rotate the whole ring left by `s` with three reversals (kept bytes were [s, s+size) mod len).
      ring.subarray(0, s).reverse();
      ring.subarray(s).reverse();
      ring.reverse();
    }
    this.#start = 0;
  }
}

/** Default cap of one stdout line handed to a streaming parser. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** A line buffer larger than this is released after its line instead of being reused. */
const KEEP_LINE_BUFFER = 64 * 1024;

/**
 * Splits a byte stream into lines of at most `maxLine` bytes. A longer line is skipped as it
 * arrives (never buffered past the cap) and reported to `onSkipped` with its length once it ends.
 */
export class LineSplitter {
  #buf: Uint8Array = EMPTY;
  #len = 0;
  #skipping = false;
  #skippedBytes = 0;
  #decoder = new TextDecoder();

  constructor(
    private readonly onLine: (line: string) => void,
    readonly maxLine: number = MAX_LINE_BYTES,
    private readonly onSkipped: (bytes: number) => void = () => {},
  ) {}

  /** Feeds a chunk; calls `onLine` for each completed line. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.#skipping) {
        this.#skippedBytes += piece.length;
      } else if (this.#len + piece.length > this.maxLine) {
        this.#skipping = true;
        this.#skippedBytes = this.#len + piece.length;
        this.#release();
      } else if (nl >= 0 && this.#len === 0) {
        // The whole line is in this chunk: decode it where it is.
        this.#emit(piece);
        start = nl + 1;
        continue;
      } else {
        this.#append(piece);
      }
      if (nl < 0) break;
      this.#endLine();
      start = nl + 1;
    }
  }

  /** Bytes held for the line being assembled (never more than `maxLine`). */
  get bufferedBytes(): number {
    return this.#buf.length;
  }

  /** Emits the last line when the stream ended without a newline. */
  end(): void {
    if (this.#skipping || this.#len > 0) this.#endLine();
    this.#release();
  }

  #append(piece: Uint8Array): void {
    const need = this.#len + piece.length;
    if (need > this.#buf.length) {
      const next = new Uint8Array(Math.min(this.maxLine, Math.max(need, this.#buf.length * 2, MIN_ALLOC)));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(piece, this.#len);
    this.#len = need;
  }

  #endLine(): void {
    if (this.#skipping) {
      this.onSkipped(this.#skippedBytes);
      this.#skipping = false;
      this.#skippedBytes = 0;
    } else {
      this.#emit(this.#buf.subarray(0, this.#len));
    }
    this.#len = 0;
    if (this.#buf.length > KEEP_LINE_BUFFER) this.#release();
  }

  #emit(bytes: Uint8Array): void {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    this.onLine(this.#decoder.decode(bytes.subarray(0, end)));
  }

  #release(): void {
    this.#buf = EMPTY;
    this.#len = 0;
  }
}

/**
 * Watches a byte stream for a line whose first non-blank byte is `{` or `[` (where a JSON value
 * can start; a UTF-8 BOM counts as blank). Output without such a line cannot hold the JSON a
 * parser looks for, so it need not be kept.
 */
export class JsonLineWatch {
  #atLineStart = true;
  #seen = false;

  /** True once such a line was seen, in this chunk or before. */
  get seen(): boolean {
    return this.#seen;
  }

  /** Scans a chunk; returns {@link seen}. */
  scan(chunk: Uint8Array): boolean {
    if (this.#seen) return true;
    let i = 0;
    while (i < chunk.length) {
      if (this.#atLineStart) {
        const b = chunk[i] as number;
        if (b === 123 || b === 91) return this.#seen = true;
        if (b === 32 || b === 9 || b === 13 || b === 10 || b === 0xef || b === 0xbb || b === 0xbf) {
          i++;
          continue;
        }
        this.#atLineStart = false;
      }
      const nl = chunk.indexOf(10, i);
      if (nl < 0) return false;
      this.#atLineStart = true;
      i = nl + 1;
    }
    return false;
  }
}
