import type { KV, NatsConnection, Subscription as NatsSubscription } from "nats";
import { DEFAULT_REQUEST_TIMEOUT_MS, type AgentBus, type ReplyMessage, type RequestOptions } from "./agent-bus.ts";
import { createEnvelope, type BusEnvelope, type OutgoingMessage } from "./envelope.ts";
import { BusClosedError, BusError, BusNoResponderError, BusTimeoutError } from "./errors.ts";
import { maskUrlSecretsIn } from "../config/mask.ts";
import { toKvKey } from "./kv-key.ts";
import { decodeEnvelope as decode } from "./nats-codec.ts";
import type { TaskHistory } from "./task-history.ts";
import { QueuedSubscription, type SubscribeOptions, type Subscription } from "./subscription.ts";
import { assertPattern, assertTopic, RESULTS_PREFIX } from "./topics.ts";

export const DEFAULT_RESULTS_BUCKET = "codetether_results";

export interface NatsBusOptions {
  /** `nats://host:port` (or `tls://…`); a comma-separated list names several servers of one cluster. */
  url: string;
  /** Prepended to every subject, so several deployments (or test runs) can share one server. */
  subjectPrefix?: string;
  /** JetStream KV bucket holding the last value of each `results.{key}`. */
  resultsBucket?: string;
  /** Default per-subscriber queue size. */
  queueSize?: number;
  connectTimeoutMs?: number;
  /** Connection name shown by the server's monitoring. */
  name?: string;
}

const encoder = new TextEncoder();

/** Connects to NATS; the `nats` package is loaded only here, so the embedded bus never pays for it. */
export async function connectNatsBus(options: NatsBusOptions): Promise<AgentBus> {
  const nats = await import("nats");
  try {
    const connection = await nats.connect({
      servers: options.url.split(",").map((server) => server.trim()),
      name: options.name ?? "codetether",
      timeout: options.connectTimeoutMs ?? 5_000,
    });
    return new NatsBus(connection, options);
  } catch (error) {
    const where = maskUrlSecretsIn(options.url); // nats://user:password@host: the password stays out of the line
    throw new BusError(`cannot connect to the NATS bus at ${where}: ${maskUrlSecretsIn((error as Error).message)}`);
  }
}

/**
 * The scale-out bus: the same semantics as the in-process one over a NATS connection. Envelopes
 * travel as JSON (payloads must be JSON-serialisable); results are also written to a KV bucket.
 */
class NatsBus implements AgentBus {
  readonly transport = "nats";
  readonly #connection: NatsConnection;
  readonly #prefix: string;
  readonly #bucket: string;
  readonly #queueSize: number | undefined;
  readonly #subscriptions = new Set<QueuedSubscription>();
  readonly #pendingWrites = new Set<Promise<void>>();
  #writeError: unknown;
  #kv: Promise<KV> | undefined;
  #closed = false;

  constructor(connection: NatsConnection, options: NatsBusOptions) {
    this.#connection = connection;
    this.#prefix = options.subjectPrefix ? `${assertTopic(options.subjectPrefix)}.` : "";
    this.#bucket = options.resultsBucket ?? DEFAULT_RESULTS_BUCKET;
    this.#queueSize = options.queueSize;
    // If the server connection is lost for good, end every stream instead of leaving consumers hanging.
    void connection.closed().then(() => this.#closeSubscriptions());
  }

  publish<T>(message: OutgoingMessage<T>): BusEnvelope<T> {
    this.#assertOpen();
    assertTopic(message.topic);
    const envelope = createEnvelope(message);
    const data = encoder.encode(JSON.stringify(envelope));
    try {
      this.#connection.publish(this.#prefix + envelope.topic, data);
    } catch (error) {
      // e.g. MAX_PAYLOAD_EXCEEDED or a closed connection: callers handle bus errors, not nats.js's own.
      throw new BusError(`cannot publish on ${envelope.topic}: ${(error as Error).message}`, { cause: error });
    }
    if (envelope.topic.startsWith(RESULTS_PREFIX)) this.#storeResult(envelope.topic.slice(RESULTS_PREFIX.length), data);
    return envelope;
  }

  subscribe(pattern: string, options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    assertPattern(pattern);
    let natsSubscription: NatsSubscription | undefined;
    const subscription = new QueuedSubscription(
      pattern,
      { ...options, queueSize: options.queueSize ?? this.#queueSize },
      () => {
        this.#subscriptions.delete(subscription);
        if (!this.#connection.isClosed()) natsSubscription?.unsubscribe();
      },
    );
    natsSubscription = this.#connection.subscribe(this.#prefix + pattern, {
      queue: options.queue,
      callback: (error, msg) => {
        if (error) return process.emitWarning(`bus subscription '${pattern}' failed: ${error.message}`);
        const envelope = decode(msg);
        if (envelope) subscription.deliver(envelope);
      },
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async request<Res = unknown, Req = unknown>(
    message: Omit<OutgoingMessage<Req>, "replyTo">,
    options: RequestOptions = {},
  ): Promise<BusEnvelope<Res>> {
    this.#assertOpen();
    assertTopic(message.topic);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const envelope = createEnvelope(message);
    try {
      const subject = this.#prefix + envelope.topic;
      const reply = await this.#connection.request(subject, encoder.encode(JSON.stringify(envelope)), {
        timeout: timeoutMs,
      });
      const decoded = decode(reply);
      if (!decoded) throw new BusError(`the reply on '${envelope.topic}' is not a bus envelope`);
      return decoded as BusEnvelope<Res>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "TIMEOUT") throw new BusTimeoutError(envelope.topic, timeoutMs);
      if (code === "503") throw new BusNoResponderError(envelope.topic);
      if (code === "CONNECTION_CLOSED") throw new BusClosedError();
      throw error;
    }
  }

  reply<T>(request: BusEnvelope, message: ReplyMessage<T>): BusEnvelope<T> {
    this.#assertOpen();
    if (!request.replyTo) throw new BusError(`message ${request.id} on '${request.topic}' expects no reply`);
    // Reply subjects are connection inboxes: published as given, never prefixed.
    const envelope = createEnvelope({ ...message, topic: request.replyTo });
    this.#connection.publish(request.replyTo, encoder.encode(JSON.stringify(envelope)));
    return envelope;
  }

  async getResult<T = unknown>(key: string): Promise<BusEnvelope<T> | undefined> {
    this.#assertOpen();
    await this.#settleWrites();
    const entry = await (await this.#resultsBucket()).get(toKvKey(key));
    if (!entry || entry.operation !== "PUT") return undefined;
    return entry.json<BusEnvelope<T>>();
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    await this.#connection.flush();
    await this.#settleWrites();
  }

  async openTaskHistory(): Promise<TaskHistory> {
    this.#assertOpen();
    const { openNatsTaskHistory } = await import("./nats-task-history.ts");
    return openNatsTaskHistory(this.#connection, this.#prefix);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeSubscriptions();
    await Promise.allSettled(this.#pendingWrites);
    if (!this.#connection.isClosed()) await this.#connection.drain();
  }

  #storeResult(key: string, data: Uint8Array): void {
    const write = this.#resultsBucket()
      .then((kv) => kv.put(toKvKey(key), data))
      .then(
        () => undefined,
        (error: unknown) => void (this.#writeError ??= error),
      )
      .finally(() => this.#pendingWrites.delete(write));
    this.#pendingWrites.add(write);
  }

  /** Waits for background result writes; a failed one is reported here, once. */
  async #settleWrites(): Promise<void> {
    await Promise.all(this.#pendingWrites);
    const error = this.#writeError;
    this.#writeError = undefined;
    if (error) throw new BusError(`storing a result in bucket '${this.#bucket}' failed: ${(error as Error).message}`);
  }

  #resultsBucket(): Promise<KV> {
    this.#kv ??= this.#connection
      .jetstream()
      .views.kv(this.#bucket, { history: 1 })
      .catch((error: unknown) => {
        this.#kv = undefined;
        throw new BusError(
          `cannot open results bucket '${this.#bucket}' (is JetStream enabled?): ${(error as Error).message}`,
        );
      });
    return this.#kv;
  }

  #closeSubscriptions(): void {
    [...this.#subscriptions].forEach((subscription) => subscription.close());
  }

  #assertOpen(): void {
    if (this.#closed || this.#connection.isClosed()) throw new BusClosedError();
  }
}
