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
  /** Publishes on `agent.{id}.events` (kind `event`). */
  publishEvent<T>(event: T, options?: HandleMessageOptions): BusEnvelope<T>;
  /** Publishes on `task.{taskId}` (kind `task_update` unless told, e.g. `artifact`), with `task_id` correlated. */
  publishTaskUpdate<T>(taskId: string, update: T, options?: HandleMessageOptions): BusEnvelope<T>;
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
  const inbox = bus.subscribe(topics.agent(agentId), { queueSize: options.queueSize });
  const eventsTopic = topics.agentEvents(agentId);
  const base = options.correlation;
  const correlate = (extra?: Correlation): Correlation | undefined => (extra ? { ...base, ...extra } : base);
  let closed = false;

  const handle: BusHandle = {
    agentId,
    bus,
    send: (toAgentId, payload, opts = {}) =>
      handle.publish({ topic: topics.agent(toAgentId), kind: opts.kind ?? "message", payload, correlation: opts.correlation }),
    receive: () => inbox,
    publishEvent: (event, opts = {}) =>
      handle.publish({ topic: eventsTopic, kind: opts.kind ?? "event", payload: event, correlation: opts.correlation }),
    publishTaskUpdate: (taskId, update, opts = {}) =>
      handle.publish({
        topic: topics.task(taskId),
        kind: opts.kind ?? "task_update",
        payload: update,
        correlation: { task_id: taskId, ...opts.correlation },
      }),
    publish: (message) => bus.publish({ ...message, sender: agentId, correlation: correlate(message.correlation) }),
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      inbox.close();
      options.onClose?.();
    },
  };
  return handle;
}
