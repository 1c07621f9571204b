import { safeParseJSON, type FlexibleSchema, type ParseResult } from "@ai-sdk/provider-utils";
import { createParser } from "eventsource-parser";

/**
 * The providers' event-stream parsing (provider-utils' `parseJsonEventStream`) as one stream stage. Theirs
 * pipes every chunk a model streams through three (text decoding, SSE parsing, JSON), each a web-stream hop
 * with its own promises, a cost a server streaming hundreds of answers pays per token. The results are
 * theirs: each event's data parsed and checked against the chunk schema, in order; `[DONE]` skipped; an
 * event left unterminated at the end dropped; a parse or schema failure a failed ParseResult; the source's
 * error passed on, a cancel passed back. The build puts it in their module's place (scripts/build.mjs).
 */
export function parseJsonEventStream<T>({
  stream,
  schema,
}: {
  stream: ReadableStream<Uint8Array>;
  schema: FlexibleSchema<T>;
}): ReadableStream<ParseResult<T>> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let events: string[] = [];
  const parser = createParser({
    onEvent: ({ data }) => {
      if (data !== "[DONE]") events.push(data);
    },
  });
  return new ReadableStream<ParseResult<T>>({
    // Called again only once this one has enqueued: reads until an event is complete.
    async pull(controller) {
      while (events.length === 0) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        parser.feed(decoder.decode(value, { stream: true }));
      }
      const complete = events;
      events = [];
      for (const data of complete) controller.enqueue(await safeParseJSON({ text: data, schema }));
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
