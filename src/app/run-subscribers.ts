import { publishAgentEvents } from "../bus/agent-events.ts";
import type { BusHandle } from "../bus/bus-handle.ts";
import { isLiveEvent, type AgentEvent, type AgentObserver } from "../contracts/agent-events.ts";

export interface RunSubscribers {
  /** The durable recorder: takes every event, stored messages included. */
  observer?: AgentObserver;
  /** The bus mirror: takes what peers follow on `agent.{id}.events` (not the stored messages). */
  bus?: BusHandle;
}

/** Passes a run's events through unchanged, telling each subscriber as they go by. */
export function subscribeToRun(
  events: AsyncGenerator<AgentEvent, void>,
  sessionId: string,
  { observer, bus }: RunSubscribers,
): AsyncGenerator<AgentEvent, void> {
  const observed = observer ? observe(events, sessionId, observer) : events;
  return bus ? publishAgentEvents(observed, bus, sessionId, isLiveEvent) : observed;
}

async function* observe(
  events: AsyncGenerator<AgentEvent, void>,
  sessionId: string,
  observer: AgentObserver,
): AsyncGenerator<AgentEvent, void> {
  for await (const event of events) {
    observer.event(sessionId, event);
    yield event;
  }
}
