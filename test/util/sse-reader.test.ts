import assert from "node:assert/strict";
import { test } from "node:test";
import { readSse, type SseEvent } from "../../src/util/sse-reader.ts";

/** The events of a body that arrives in exactly these chunks (as a network may cut it). */
async function eventsOf(...chunks: Array<string | Uint8Array>): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  const events: SseEvent[] = [];
  for await (const event of readSse(body)) events.push(event);
  return events;
}

test("a CRLF split between two chunks is one line end, not an empty line that ends the event", async () => {
  const events = await eventsOf("id: 7\r\nevent: task\r\ndata: first\r", "\ndata: second\r\n\r\n");
  assert.deepEqual(events, [{ id: "7", event: "task", data: "first\nsecond" }]);
});

test("multi-line data, comments, bare CR and LF line ends, and events without a type", async () => {
  const events = await eventsOf(
    ": keep-alive\n\n",
    'data: {"a":\ndata:  1}\n: a comment between fields\n\n',
    "event: task\rid: 42\rdata: x\r\r",
    "data\n\n",
  );
  assert.deepEqual(events, [
    { id: undefined, event: "message", data: '{"a":\n 1}' },
    { id: "42", event: "task", data: "x" },
    { id: undefined, event: "message", data: "" },
  ]);
});

test("an id and a multi-byte character cut across chunks arrive whole, for Last-Event-ID resume", async () => {
  const bytes = new TextEncoder().encode("id: 1234\nevent: task\ndata: héllo\n\n");
  const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
  const events = await eventsOf(bytes.slice(0, 5), bytes.slice(5, cut), bytes.slice(cut));
  assert.deepEqual(events, [{ id: "1234", event: "task", data: "héllo" }]);
});
