import type { BusHandle } from "./bus-handle.ts";
import { BusClosedError } from "./errors.ts";

/**
 * Passes an agent's events through unchanged while publishing each on `agent.{id}.events`, correlated
 * with its session. A bus closed mid-run stops the publishing, never the run.
 */
export async function* publishAgentEvents<E>(
  events: AsyncGenerator<E, void>,
  handle: BusHandle,
  sessionId: string,
  shouldPublish: (event: E) => boolean = () => true,
): AsyncGenerator<E, void> {
  const options = { correlation: { session_id: sessionId } };
  let open = true;
  for await (const event of events) {
    if (open && shouldPublish(event)) {
      try {
        handle.publishEvent(event, options);
      } catch (error) {
        if (!(error instanceof BusClosedError)) throw error;
        open = false;
      }
    }
    yield event;
  }
}
