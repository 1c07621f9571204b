import type { AgentBus } from "./agent-bus.ts";
import type { BusEnvelope, Correlation, EnvelopeKind, OutgoingMessage } from "./envelope.ts";
import type { Subscription } from "./subscription.ts";
import { topics } from "./topics.ts";

export interface HandleMessageOptions {
  kind?: EnvelopeKind;
  /** Merged over the handle's default correlation. */
  correlation?: Correlation;
}

/** What every agent holds: its identity on the bus, its inbox and the topics it speaks on. */
export interface BusHandle {
  readonly agentId: string;
  readonly bus: AgentBus;
  /** Sends to `agent.{toAgentId}` (kind `message` unless told). */
  send<T>(toAgentId: string, payload: T, options?: HandleMessageOptions): BusEnvelope<T>;
  /** The `agent.{id}` inbox; subscribed when the handle was made, so nothing sent earlier is missed. */
  receive(): Subscription;
  /**
   * Publishes on `agent.{id}.events` (kind `event`). These mirrors of a run carry every token: when the bus knows
   * nobody subscribes to the topic (AgentBus.hasSubscriber), no message is built and undefined is returned.
   */
  publishEvent<T>(event: T, options?: HandleMessageOptions): BusEnvelope<T> | undefined;
  /**
   * Publishes on `task.{taskId}` (kind `task_update` unless told, e.g. `artifact`), with `task_id` correlated;
   * like publishEvent, skipped while the bus knows nobody subscribes.
   */
  publishTaskUpdate<T>(taskId: string, update: T, options?: HandleMessageOptions): BusEnvelope<T> | undefined;
  /** Any other topic, sent as this agent. */
  publish<T>(message: Omit<OutgoingMessage<T>, "sender">): BusEnvelope<T>;
  readonly closed: boolean;
  /** Closes the inbox; the bus itself stays open. */
  close(): void;
}

export interface BusHandleOptions {
  /** Stamped on everything the agent publishes (e.g. its session id). */
  correlation?: Correlation;
  /** Inbox queue size. */
  queueSize?: number;
  /** Called once when the handle closes (the registry uses it to announce the leave). */
  onClose?: () => void;
}

export function createBusHandle(bus: AgentBus, agentId: string, options: BusHandleOptions = {}): BusHandle {
  return new AgentBusHandle(bus, agentId, options);
}

// A class rather than closures: thousands of idle sub-agents then share one set of methods.
class AgentBusHandle implements BusHandle {
  readonly #inbox: Subscription;
  readonly #options: BusHandleOptions;
  readonly #eventsTopic: string;
  #closed = false;

  constructor(
    readonly bus: AgentBus,
    readonly agentId: string,
    options: BusHandleOptions,
  ) {
    this.#inbox = bus.subscribe(topics.agent(agentId), { queueSize: options.queueSize });
    this.#options = options;
    this.#eventsTopic = topics.agentEvents(agentId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  send<T>(toAgentId: string, payload: T, options: HandleMessageOptions = {}): BusEnvelope<T> {
    const { kind = "message", correlation } = options;
    return this.publish({ topic: topics.agent(toAgentId), kind, payload, correlation });
  }

  receive(): Subscription {
    return this.#inbox;
  }

  publishEvent<T>(event: T, options: HandleMessageOptions = {}): BusEnvelope<T> | undefined {
    if (this.bus.hasSubscriber?.(this.#eventsTopic) === false) return undefined;
    const { kind = "event", correlation } = options;
    return this.publish({ topic: this.#eventsTopic, kind, payload: event, correlation });
  }

  publishTaskUpdate<T>(taskId: string, update: T, options: HandleMessageOptions = {}): BusEnvelope<T> | undefined {
    const topic = topics.task(taskId);
    if (this.bus.hasSubscriber?.(topic) === false) return undefined;
    const { kind = "task_update", correlation } = options;
    return this.publish({
      topic,
      kind,
      payload: update,
      correlation: { task_id: taskId, ...correlation },
    });
  }

  publish<T>(message: Omit<OutgoingMessage<T>, "sender">): BusEnvelope<T> {
    const base = this.#options.correlation;
    const correlation = message.correlation ? { ...base, ...message.correlation } : base;
    return this.bus.publish({ ...message, sender: this.agentId, correlation });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.close();
    this.#options.onClose?.();
  }
}
