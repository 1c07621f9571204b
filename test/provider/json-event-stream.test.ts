import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJsonEventStream as theirs, zodSchema } from "@ai-sdk/provider-utils";
import { z } from "zod";
import { parseJsonEventStream as ours } from "../../src/provider/json-event-stream.ts";

// The build swaps provider-utils' parser for ours (scripts/build.mjs); the sources, run here, still have theirs.
const schema = zodSchema(z.object({ n: z.number(), text: z.string().optional() }));

/** The bytes as a stream cut into chunks of `size` (a cut may split a line, a CRLF or a UTF-8 character). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

async function results(parse: typeof ours, stream: ReadableStream<Uint8Array>) {
  const out: unknown[] = [];
  for await (const result of parse({ stream, schema }))
    out.push(result.success ? { value: result.value, raw: result.rawValue } : { error: result.error.name });
  return out;
}

const body = new TextEncoder().encode(
  [
    ": a comment, then a BOM-less stream with LF, CRLF and CR line ends\n",
    'data: {"n":1,"text":"héllo 🌍"}\n\n',
    'event: delta\r\ndata: {"n":2,\r\ndata: "text":"two lines"}\r\n\r\n',
    'id: 7\rdata: {"n":3}\r\r',
    "data: not json\n\n",
    'data: {"n":"wrong type"}\n\n',
    "retry: 10\n\n",
    "data: [DONE]\n\n",
    'data: {"n":4}\n', // not terminated: dropped at the end, as theirs does
  ].join(""),
);

test("ours parses a provider's event stream as provider-utils does, however the bytes are cut", async () => {
  const expected = await results(theirs, chunked(body, body.length));
  assert.equal(expected.length, 5);
  for (const size of [1, 2, 3, 5, 7, 64, body.length])
    assert.deepEqual(await results(ours, chunked(body, size)), expected, `chunks of ${size} bytes`);
});

test("the source's error reaches the reader; a cancel reaches the source with its reason", async () => {
  for (const parse of [theirs, ours]) {
    const failure = new Error("connection reset mid-answer");
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(failure);
        sent = true;
        controller.enqueue(new TextEncoder().encode('data: {"n":1}\n\n'));
      },
    });
    const reader = parse({ stream: failing, schema }).getReader();
    assert.deepEqual(((await reader.read()).value as { value: unknown }).value, { n: 1 });
    await assert.rejects(reader.read(), (error) => error === failure);

    let canceled: unknown;
    const open = new ReadableStream<Uint8Array>({ cancel: (reason) => void (canceled = reason) });
    await parse({ stream: open, schema }).cancel("caller aborted");
    await new Promise(setImmediate); // theirs passes it back through its pipes a few ticks later
    assert.equal(canceled, "caller aborted", parse === ours ? "ours" : "theirs");
  }
});
