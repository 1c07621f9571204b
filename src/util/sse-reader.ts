export interface SseEvent {
  /** The event's own `id:` (what a reconnect sends back as Last-Event-ID), if it had one. */
  id?: string;
  event: string;
  data: string;
}

/** Parses a `text/event-stream` body into events (comments such as keep-alives are skipped). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  // An ES module only: loaded by the commands that read a stream, not by every bundle that includes this.
  const { EventSourceParserStream } = await import("eventsource-parser/stream");
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const { id, event, data } of events) yield { id, event: event ?? "message", data };
}
