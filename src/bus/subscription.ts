import { BoundedQueue } from "./bounded-queue.ts";
import type { BusEnvelope, Delivery, LaggedNotice } from "./envelope.ts";

export const DEFAULT_QUEUE_SIZE = 4096;

export type DeliveryHandler = (delivery: Delivery) => void | Promise<void>;

export interface SubscribeOptions {
  /** Most messages held for this subscriber; beyond it the oldest are dropped and a `lagged` notice sent. */
  queueSize?: number;
  /** Push mode: called for each delivery in order, awaiting a returned promise. Without it, iterate. */
  onDelivery?: DeliveryHandler;
  /**
   * Queue group (NATS semantics): of the subscriptions to one pattern sharing a queue name, each message
   * reaches only one, so several agents serving one tool split the calls instead of all running each.
   */
  queue?: string;
}

/** A closable stream of deliveries for one pattern. Iterate it (one consumer) or pass `onDelivery`. */
export interface Subscription extends AsyncIterableIterator<Delivery> {
  readonly pattern: string;
  readonly queue: string | undefined;
  readonly closed: boolean;
  /** Messages dropped so far because this subscriber lagged. */
  readonly dropped: number;
  close(): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The subscriber side shared by every bus implementation: bounded queue, lag notices, pull or push. */
export class QueuedSubscription implements Subscription {
  readonly #pending: BoundedQueue<BusEnvelope>;
  readonly #handler: DeliveryHandler | undefined;
  readonly #onClose: () => void;
  readonly queue: string | undefined;
  #unreportedDrops = 0;
  #dropped = 0;
  #waiter: ((result: IteratorResult<Delivery>) => void) | undefined;
  #pumping = false;
  #closed = false;

  constructor(
    readonly pattern: string,
    options: SubscribeOptions,
    onClose: () => void,
  ) {
    this.#pending = new BoundedQueue(options.queueSize ?? DEFAULT_QUEUE_SIZE);
    this.#handler = options.onDelivery;
    this.#onClose = onClose;
    this.queue = options.queue;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Called by the bus for each matching message. Never blocks the publisher. */
  deliver(envelope: BusEnvelope): void {
    if (this.#closed) return;
    if (this.#waiter) {
      // A waiting consumer implies an empty queue and no pending notice: hand over directly.
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter({ done: false, value: envelope });
      return;
    }
    if (this.#pending.push(envelope)) {
      this.#unreportedDrops++;
      this.#dropped++;
    }
    if (this.#handler && !this.#pumping) {
      this.#pumping = true;
      queueMicrotask(() => void this.#pump());
    }
  }

  next(): Promise<IteratorResult<Delivery>> {
    if (this.#handler) throw new Error(`subscription '${this.pattern}' delivers to a callback; it cannot be iterated`);
    if (this.#waiter) throw new Error(`subscription '${this.pattern}' already has a pending next()`);
    const delivery = this.#take();
    if (delivery) return Promise.resolve({ done: false, value: delivery });
    if (this.#closed) return Promise.resolve(DONE);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  return(): Promise<IteratorResult<Delivery>> {
    this.close();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending.clear();
    this.#waiter?.(DONE);
    this.#waiter = undefined;
    this.#onClose();
  }

  #take(): Delivery | undefined {
    if (this.#unreportedDrops > 0) {
      const notice: LaggedNotice = { kind: "lagged", topic: this.pattern, dropped: this.#unreportedDrops };
      this.#unreportedDrops = 0;
      return notice;
    }
    return this.#pending.shift();
  }

  async #pump(): Promise<void> {
    const handler = this.#handler!;
    for (let delivery = this.#take(); delivery && !this.#closed; delivery = this.#take()) {
      try {
        const pending = handler(delivery);
        if (pending) await pending;
      } catch (error) {
        // A faulty subscriber must neither crash the publisher nor stop its own stream.
        process.emitWarning(`bus subscriber '${this.pattern}' failed: ${String(error)}`);
      }
    }
    this.#pumping = false;
  }
}
