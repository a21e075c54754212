/**
 * Bounded buffers for agent output: memory must stay flat however much an agent prints.
 *
 * - {@link ByteTail} keeps the last N bytes of a stream.
 * - {@link LineSplitter} turns chunks into complete lines for the streaming parsers, dropping
 *   lines longer than its cap instead of buffering them.
 *
 * @module
 */

/** Keeps the last `capacity` bytes written, in one preallocated ring (no allocation per chunk). */
export class ByteTail {
  #ring: Uint8Array;
  #start = 0;
  #size = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Uint8Array(capacity);
  }

  /** Appends bytes, dropping the oldest beyond the capacity. */
  push(chunk: Uint8Array): void {
    this.#total += chunk.length;
    const cap = this.capacity;
    if (cap === 0) return;
    const data = chunk.length > cap ? chunk.subarray(chunk.length - cap) : chunk;
    let end = (this.#start + this.#size) % cap;
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, cap - end);
      this.#ring.set(data.subarray(offset, offset + n), end);
      offset += n;
      end = (end + n) % cap;
    }
    const size = this.#size + data.length;
    if (size > cap) {
      this.#start = (this.#start + size - cap) % cap;
      this.#size = cap;
    } else {
      this.#size = size;
    }
  }

  /** Total bytes ever pushed. */
  get totalBytes(): number {
    return this.#total;
  }

  /** The kept bytes (at most `capacity`), oldest first. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#size);
    const first = Math.min(this.#size, this.capacity - this.#start);
    out.set(this.#ring.subarray(this.#start, this.#start + first), 0);
    out.set(this.#ring.subarray(0, this.#size - first), first);
    return out;
  }

  /** The kept bytes as text (a cut multi-byte character at the start becomes U+FFFD). */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** Splits a byte stream into lines of at most `maxLine` bytes; longer lines are skipped. */
export class LineSplitter {
  #pending: Uint8Array[] = [];
  #pendingSize = 0;
  #skipping = false;
  #decoder = new TextDecoder();

  constructor(private readonly onLine: (line: string) => void, readonly maxLine: number = 1024 * 1024) {}

  /** Feeds a chunk; calls `onLine` for each completed line. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.#skipping) {
        const piece = chunk.subarray(start, end);
        if (this.#pendingSize + piece.length > this.maxLine) {
          this.#skipping = true;
          this.#pending = [];
          this.#pendingSize = 0;
        } else if (piece.length > 0) {
          this.#pending.push(piece.slice());
          this.#pendingSize += piece.length;
        }
      }
      if (nl < 0) break;
      this.#emit();
      start = nl + 1;
    }
  }

  /** Emits the last line when the stream ended without a newline. */
  end(): void {
    if (this.#pendingSize > 0 && !this.#skipping) this.#emit();
    this.#pending = [];
    this.#pendingSize = 0;
  }

  #emit(): void {
    if (!this.#skipping) {
      const all = new Uint8Array(this.#pendingSize);
      let offset = 0;
      for (const c of this.#pending) (all.set(c, offset), offset += c.length);
      let line = this.#decoder.decode(all);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.onLine(line);
    }
    this.#skipping = false;
    this.#pending = [];
    this.#pendingSize = 0;
  }
}
