import type { BusEnvelope, EnvelopeKind, OutgoingMessage } from "./envelope.ts";
import type { SubscribeOptions, Subscription } from "./subscription.ts";
import type { TaskHistory } from "./task-history.ts";

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface RequestOptions {
  /** Rejects with BusTimeoutError when no reply arrives in time. */
  timeoutMs?: number;
}

/** A reply is addressed by the request it answers, so it has no topic of its own. */
export type ReplyMessage<T = unknown> = Omit<OutgoingMessage<T>, "topic" | "replyTo"> & { kind: EnvelopeKind };

/**
 * Topic pub/sub between agents. Topics follow NATS subject syntax (`agent.{id}`, `agent.{id}.events`,
 * `task.{id}`, `swarm.{id}`, `broadcast`, `results.{key}`, `tools.{name}`); patterns take `*` and `>`.
 * Messages from one publisher arrive in the order published.
 */
export interface AgentBus {
  readonly transport: "in-process" | "nats";
  /** Sends without waiting. Publishing on `results.{key}` also stores the message as that key's last value. */
  publish<T>(message: OutgoingMessage<T>): BusEnvelope<T>;
  subscribe(pattern: string, options?: SubscribeOptions): Subscription;
  /**
   * Whether a message on `topic` would reach a subscriber now. Only a bus that can know implements it (the
   * in-process one; on NATS another process may listen): a BusHandle's run mirrors (every token, every task event)
   * then build no message for nobody.
   */
  hasSubscriber?(topic: string): boolean;
  /** Publishes with a reply address and resolves with the first reply; rejects on timeout or when nobody listens. */
  request<Res = unknown, Req = unknown>(
    message: Omit<OutgoingMessage<Req>, "replyTo">,
    options?: RequestOptions,
  ): Promise<BusEnvelope<Res>>;
  reply<T>(request: BusEnvelope, message: ReplyMessage<T>): BusEnvelope<T>;
  /** The last message published on `results.{key}`, if any. */
  getResult<T = unknown>(key: string): Promise<BusEnvelope<T> | undefined>;
  /** Resolves once everything published so far has reached the bus (and stored results are written). */
  flush(): Promise<void>;
  /** NATS only: keeps the messages of `task.*` for replay; rejects when the server runs without JetStream. */
  openTaskHistory?(): Promise<TaskHistory>;
  /** Ends every subscription and releases the connection. */
  close(): Promise<void>;
}
