import { randomUUID } from "node:crypto";

/** What a bus message is about; consumers switch on it before reading `payload`. */
export type EnvelopeKind =
  | "message"
  | "task_update"
  | "artifact"
  | "tool_request"
  | "tool_response"
  | "heartbeat"
  | "agent_ready"
  | "agent_joined"
  | "agent_left"
  | "agent_query"
  | "event"
  | "result";

/** Ids that tie a message to the session, task, OKR or relay it belongs to (for events and audit). */
export interface Correlation {
  session_id?: string;
  task_id?: string;
  okr_id?: string;
  okr_run_id?: string;
  relay_id?: string;
}

/** One message on the bus. In-process subscribers receive the very object the publisher built. */
export interface BusEnvelope<T = unknown> {
  id: string;
  topic: string;
  sender: string;
  /** ISO 8601. */
  timestamp: string;
  correlation?: Correlation;
  kind: EnvelopeKind;
  payload: T;
  /** Where a responder sends its reply; set on requests only. */
  replyTo?: string;
}

/** Handed to a subscriber in place of messages it was too slow to take: the oldest ones were dropped. */
export interface LaggedNotice {
  kind: "lagged";
  /** The subscription's pattern. */
  topic: string;
  dropped: number;
}

export type Delivery<T = unknown> = BusEnvelope<T> | LaggedNotice;

/** What a publisher supplies; the bus adds id and timestamp. */
export interface OutgoingMessage<T = unknown> {
  topic: string;
  kind: EnvelopeKind;
  payload: T;
  sender: string;
  correlation?: Correlation;
  replyTo?: string;
}

let lastMs = 0;
let lastIso = "";

/** ISO time, formatted once per millisecond: formatting costs more than the rest of a publish. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

export function createEnvelope<T>(message: OutgoingMessage<T>): BusEnvelope<T> {
  const envelope: BusEnvelope<T> = {
    id: randomUUID(),
    topic: message.topic,
    sender: message.sender,
    timestamp: isoNow(),
    kind: message.kind,
    payload: message.payload,
  };
  // Absent rather than undefined, so NATS JSON and in-process objects look the same.
  if (message.correlation) envelope.correlation = message.correlation;
  if (message.replyTo) envelope.replyTo = message.replyTo;
  return envelope;
}

export function isLagged(delivery: Delivery): delivery is LaggedNotice {
  return delivery.kind === "lagged";
}
