import { randomUUID } from "node:crypto";
import type { SequencedEvent, ThoughtEvent } from "./types.ts";

export type EventListener = (event: SequencedEvent) => void;

/**
 * The last `capacity` ThoughtEvents, numbered in order (the numbers are the stream's SSE ids), with
 * live listeners. Old events fall off the front: a client resuming too late gets what is left.
 */
export class EventBuffer {
  readonly #capacity: number;
  readonly #events: SequencedEvent[] = [];
  readonly #listeners = new Set<EventListener>();
  /**
   * Numbers start above any an earlier serve handed out (microseconds since the epoch at start), so a client
   * resuming with an id from before a restart gets every event of this serve, none skipped.
   */
  #seq = Date.now() * 1000;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  emit(event: Omit<ThoughtEvent, "id" | "timestamp">): ThoughtEvent {
    const full: ThoughtEvent = { id: randomUUID(), timestamp: new Date().toISOString(), ...event };
    const sequenced = { seq: ++this.#seq, event: full };
    this.#events.push(sequenced);
    if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity);
    for (const listener of this.#listeners) listener(sequenced);
    return full;
  }

  /** Events after `seq`; a position beyond the last one (a clock set back since) gets the whole buffer. */
  after(seq: number): SequencedEvent[] {
    if (seq > this.#seq) return [...this.#events];
    return this.#events.filter((entry) => entry.seq > seq);
  }

  /** The newest event of a type (e.g. the latest thought for status and worker heartbeats). */
  latest(type: ThoughtEvent["event_type"]): ThoughtEvent | undefined {
    return this.#events.findLast((entry) => entry.event.event_type === type)?.event;
  }

  recent(count: number, personaId?: string): ThoughtEvent[] {
    const events = personaId ? this.#events.filter((entry) => entry.event.persona_id === personaId) : this.#events;
    return events.slice(-count).map((entry) => entry.event);
  }

  get size(): number {
    return this.#events.length;
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
