// Reads `GET /v1/cognition/stream` of a serve until the collected events satisfy a test.
import { readSse } from "../../src/util/sse-reader.ts";
import type { ThoughtEvent } from "../../src/cognition/types.ts";
import { TOKEN } from "../a2a/serve-process.ts";

export interface StreamedEvent {
  seq: number;
  name: string;
  event: ThoughtEvent;
}

/** Events from the stream (after `lastEventId` when given) until `done` holds for what was read. */
export async function readStream(
  base: string,
  done: (events: StreamedEvent[]) => boolean,
  options: { lastEventId?: string; query?: string; timeoutMs?: number } = {},
): Promise<StreamedEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 20_000);
  const events: StreamedEvent[] = [];
  try {
    const res = await fetch(`${base}/v1/cognition/stream${options.query ?? ""}`, {
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(options.lastEventId ? { "last-event-id": options.lastEventId } : {}),
      },
      signal: abort.signal,
    });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    for await (const frame of readSse(res.body!)) {
      events.push({ seq: Number(frame.id), name: frame.event, event: JSON.parse(frame.data) as ThoughtEvent });
      if (done(events)) return events;
    }
    throw new Error("the stream ended");
  } catch (error) {
    if (abort.signal.aborted)
      throw new Error(`timed out reading the stream; got ${JSON.stringify(events.map((e) => e.name))}`);
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** The events of one persona and type. */
export function ofType(events: StreamedEvent[], type: string, personaId?: string): ThoughtEvent[] {
  return events
    .map((e) => e.event)
    .filter((e) => e.event_type === type && (personaId === undefined || e.persona_id === personaId));
}

/** The stream position now: the last of the buffered events (replayed first to a new reader). */
export async function currentSeq(base: string): Promise<number> {
  const res = await fetch(`${base}/v1/cognition/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const { events_buffered: buffered } = (await res.json()) as { events_buffered: number };
  if (buffered === 0) return 0;
  return (await readStream(base, (seen) => seen.length >= buffered)).at(-1)!.seq;
}
