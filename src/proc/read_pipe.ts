/**
 * Reading a child's pipe: one buffer per stream, read into again and again (a BYOB reader).
 *
 * Why not `for await (const chunk of stream)` or `new Response(stream).text()`: their default
 * reader allocates a fresh 64 KiB buffer for every read, and a kept `subarray` of one holds all
 * 64 KiB until it is collected; those buffers live in the C allocator, outside V8's heap.
 * Measured with 200 `git --version` calls through `runToEnd` (Deno 2.9.6, shipped V8 flags): the
 * process grew 7.8–8.0 MB after the first call that way, 2.6–3.7 MB with one 16 KiB buffer per
 * stream. (The orchestrator's peak in the bench's `scale` missions did not move: it is reached
 * before most calls are made.) Agents' output goes through here too (`agents/supervise.ts`).
 *
 * @module
 */

/** Buffer of one short call's stream (host and git answers are a few KiB). */
export const SHORT_READ_BYTES = 16 * 1024;

/**
 * Reads `stream` to its end into one reused buffer of `bufferBytes`, handing each read to
 * `onChunk`. The chunk is a view of that buffer: valid only until `onChunk` returns (or the
 * promise it returns settles), so copy what must be kept. Aborting `signal` cancels the read
 * (a pipe a process outside ours still holds open): the call then returns.
 */
export async function readPipe(
  stream: ReadableStream<Uint8Array>,
  bufferBytes: number,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const reader = stream.getReader({ mode: "byob" });
  const cancel = (): void => void reader.cancel().catch(() => {});
  if (signal?.aborted) cancel();
  else signal?.addEventListener("abort", cancel, { once: true });
  let buffer = new Uint8Array(bufferBytes);
  try {
    while (true) {
      const { done, value } = await reader.read(buffer);
      if (done || value === undefined) return;
      await onChunk(value);
      // The read transferred the buffer: the next read goes into the same memory, whole again.
      buffer = new Uint8Array(value.buffer);
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}
