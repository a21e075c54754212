/**
 * A keyed mutex: at most one holder per key. The engine uses it as the backstop of lane
 * serialisation (two WPs of one lane worktree never run at once, even when the scheduler could
 * not know their lane in advance).
 *
 * @module
 */

/** Releases a held key. */
export type Release = () => void;

/** One lock per key, FIFO. */
export class KeyedMutex {
  #tails = new Map<string, Promise<void>>();

  /** Waits for `key` and returns the function that frees it. */
  async acquire(key: string): Promise<Release> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }

  /** True when someone holds or waits for `key`. */
  isBusy(key: string): boolean {
    return this.#tails.has(key);
  }
}
