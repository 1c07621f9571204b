import { randomUUID } from "node:crypto";
import { DEFAULT_REQUEST_TIMEOUT_MS, type AgentBus, type ReplyMessage, type RequestOptions } from "./agent-bus.ts";
import { createEnvelope, type BusEnvelope, type OutgoingMessage } from "./envelope.ts";
import { BusClosedError, BusError, BusNoResponderError, BusTimeoutError } from "./errors.ts";
import { QueuedSubscription, type SubscribeOptions, type Subscription } from "./subscription.ts";
import { assertPattern, assertTopic, hasWildcard, patternMatcher, RESULTS_PREFIX } from "./topics.ts";

interface WildcardSubscription {
  matches: (tokens: readonly string[]) => boolean;
  subscription: QueuedSubscription;
}

export interface InProcessBusOptions {
  /** Default per-subscriber queue size. */
  queueSize?: number;
}

/**
 * The embedded bus: delivery is a synchronous hand-off of the publisher's own envelope object
 * into each subscriber's bounded queue, so publishers never wait and order per publisher is kept.
 */
export class InProcessBus implements AgentBus {
  readonly transport = "in-process";
  // Exact topics are a map lookup; only wildcard patterns are matched one by one. Arrays, not Sets:
  // most topics (agent inboxes) have a single subscriber, and an array of one is far lighter.
  readonly #exact = new Map<string, QueuedSubscription[]>();
  // Wildcard patterns by their first token ("" when that is a wildcard itself): a topic is matched only
  // against the patterns that can match it. Serve has one `swarm.>` per running task; matching each of them
  // on every publish made a message's cost grow with the number of tasks.
  readonly #wildcards = new Map<string, Set<WildcardSubscription>>();
  readonly #results = new Map<string, BusEnvelope>();
  /** Live queue-group subscriptions; while there are none, publishing skips the grouping entirely. */
  #grouped = 0;
  /** Round-robin position of each queue group (pattern + queue name). */
  readonly #turns = new Map<string, number>();
  readonly #queueSize: number | undefined;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.#queueSize = options.queueSize;
  }

  publish<T>(message: OutgoingMessage<T>): BusEnvelope<T> {
    this.#assertOpen();
    assertTopic(message.topic);
    const envelope = createEnvelope(message);
    if (envelope.topic.startsWith(RESULTS_PREFIX)) {
      this.#results.set(envelope.topic.slice(RESULTS_PREFIX.length), envelope);
    }
    if (this.#grouped > 0) {
      this.#deliverWithGroups(envelope);
      return envelope;
    }
    const exact = this.#exact.get(envelope.topic);
    if (exact) for (const subscription of exact) subscription.deliver(envelope);
    if (this.#wildcards.size > 0) {
      const tokens = envelope.topic.split(".");
      for (const entries of [this.#wildcards.get(tokens[0]!), this.#wildcards.get("")]) {
        if (entries)
          for (const { matches, subscription } of entries) if (matches(tokens)) subscription.deliver(envelope);
      }
    }
    return envelope;
  }

  subscribe(pattern: string, options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    assertPattern(pattern);
    const queueSize = options.queueSize ?? this.#queueSize;
    const grouped = options.queue !== undefined;
    if (grouped) this.#grouped++;
    if (!hasWildcard(pattern)) {
      const subscription = new QueuedSubscription(pattern, { ...options, queueSize }, () => {
        // Replaced, not spliced, so a delivery loop over the old array is never disturbed.
        const remaining = this.#exact.get(pattern)?.filter((other) => other !== subscription) ?? [];
        if (remaining.length > 0) this.#exact.set(pattern, remaining);
        else this.#exact.delete(pattern);
        if (grouped) this.#leaveGroup();
      });
      this.#exact.set(pattern, [...(this.#exact.get(pattern) ?? []), subscription]);
      return subscription;
    }
    const first = pattern.split(".", 1)[0]!;
    const key = hasWildcard(first) ? "" : first;
    const entry: WildcardSubscription = {
      matches: patternMatcher(pattern),
      subscription: new QueuedSubscription(pattern, { ...options, queueSize }, () => {
        const entries = this.#wildcards.get(key);
        entries?.delete(entry);
        if (entries?.size === 0) this.#wildcards.delete(key);
        if (grouped) this.#leaveGroup();
      }),
    };
    const entries = this.#wildcards.get(key) ?? new Set();
    this.#wildcards.set(key, entries.add(entry));
    return entry.subscription;
  }

  async request<Res = unknown, Req = unknown>(
    message: Omit<OutgoingMessage<Req>, "replyTo">,
    options: RequestOptions = {},
  ): Promise<BusEnvelope<Res>> {
    this.#assertOpen();
    assertTopic(message.topic);
    if (!this.hasSubscriber(message.topic)) throw new BusNoResponderError(message.topic);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const inbox = this.subscribe(`_INBOX.${randomUUID()}`, { queueSize: 1 });
    let timer: NodeJS.Timeout | undefined;
    try {
      this.publish({ ...message, replyTo: inbox.pattern });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BusTimeoutError(message.topic, timeoutMs)), timeoutMs);
      });
      const reply = await Promise.race([inbox.next(), timeout]);
      if (reply.done) throw new BusClosedError();
      return reply.value as BusEnvelope<Res>;
    } finally {
      clearTimeout(timer);
      inbox.close();
    }
  }

  reply<T>(request: BusEnvelope, message: ReplyMessage<T>): BusEnvelope<T> {
    if (!request.replyTo) throw new BusError(`message ${request.id} on '${request.topic}' expects no reply`);
    return this.publish({ ...message, topic: request.replyTo });
  }

  async getResult<T = unknown>(key: string): Promise<BusEnvelope<T> | undefined> {
    this.#assertOpen();
    return this.#results.get(key) as BusEnvelope<T> | undefined;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subscriptions of [...this.#exact.values()])
      subscriptions.forEach((subscription) => subscription.close());
    for (const entries of [...this.#wildcards.values()])
      [...entries].forEach(({ subscription }) => subscription.close());
    this.#results.clear();
  }

  #leaveGroup(): void {
    if (--this.#grouped === 0) this.#turns.clear();
  }

  /** The slow path, taken only while queue groups exist: plain subscribers get the message, each group one member in turn. */
  #deliverWithGroups(envelope: BusEnvelope): void {
    const tokens = envelope.topic.split(".");
    const matching = [...(this.#exact.get(envelope.topic) ?? [])];
    for (const { matches, subscription } of this.#wildcardsFor(tokens))
      if (matches(tokens)) matching.push(subscription);
    const groups = new Map<string, QueuedSubscription[]>();
    for (const subscription of matching) {
      if (subscription.queue === undefined) {
        subscription.deliver(envelope);
        continue;
      }
      const key = `${subscription.pattern}\u0000${subscription.queue}`;
      groups.set(key, [...(groups.get(key) ?? []), subscription]);
    }
    for (const [key, members] of groups) {
      const turn = this.#turns.get(key) ?? 0;
      this.#turns.set(key, turn + 1);
      members[turn % members.length]!.deliver(envelope);
    }
  }

  hasSubscriber(topic: string): boolean {
    if (this.#exact.has(topic)) return true;
    const tokens = topic.split(".");
    for (const { matches } of this.#wildcardsFor(tokens)) if (matches(tokens)) return true;
    return false;
  }

  /** The wildcard subscriptions that may match a topic of these tokens. */
  *#wildcardsFor(tokens: readonly string[]): Generator<WildcardSubscription> {
    const byFirst = this.#wildcards.get(tokens[0]!);
    if (byFirst) yield* byFirst;
    const anyFirst = this.#wildcards.get("");
    if (anyFirst) yield* anyFirst;
  }

  #assertOpen(): void {
    if (this.#closed) throw new BusClosedError();
  }
}
