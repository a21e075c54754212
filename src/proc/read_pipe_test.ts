import { assertEquals } from "../../test/support/assert.ts";
import { readPipe } from "./read_pipe.ts";

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const bytes = parts.map((p) => new TextEncoder().encode(p));
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      const next = bytes.shift();
      if (next === undefined) {
        // A byte stream closed under a waiting BYOB read must answer it (as Deno's pipes do).
        controller.close();
        controller.byobRequest?.respond(0);
      } else controller.enqueue(next);
    },
  });
}

Deno.test("readPipe() hands every byte over in reads no larger than its buffer, reusing one buffer", async () => {
  const seen: string[] = [];
  const buffers = new Set<number>();
  const data = ["abc", "defghij", "k".repeat(40)];
  await readPipe(streamOf(data), 8, (chunk) => {
    seen.push(new TextDecoder().decode(chunk));
    buffers.add(chunk.buffer.byteLength);
    assertEquals(chunk.byteLength <= 8, true);
  });
  assertEquals(seen.join(""), data.join(""));
  assertEquals([...buffers], [8], "every chunk is a view of the one 8-byte buffer");
});

Deno.test("readPipe() returns when its signal cancels a stream that never ends", async () => {
  const stop = new AbortController();
  const endless = new ReadableStream<Uint8Array>({ type: "bytes", pull() {} });
  const reading = readPipe(endless, 16, () => {}, stop.signal);
  stop.abort();
  await reading;
  const late = new AbortController();
  late.abort();
  await readPipe(new ReadableStream<Uint8Array>({ type: "bytes", pull() {} }), 16, () => {}, late.signal);
});
