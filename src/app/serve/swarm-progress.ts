import type { AgentBus } from "../../bus/agent-bus.ts";
import { SwarmBoard } from "../../swarm/board.ts";
import { swarmEventLines } from "../../swarm/progress-lines.ts";
import type { SwarmEvent } from "../../swarm/types.ts";

/**
 * Follows the swarms a session's agent runs (the `swarm` tool publishes on `swarm.{id}`, correlated with
 * the session): each change worth a log line is reported, e.g. as an A2A task's `working` update.
 * Returns the function that stops following.
 */
export function followSwarms(
  bus: AgentBus,
  sessionId: () => string | undefined,
  report: (text: string, data: Record<string, unknown>) => void,
): () => void {
  const boards = new Map<string, SwarmBoard>();
  const subscription = bus.subscribe("swarm.>", {
    onDelivery: (delivery) => {
      if (!("payload" in delivery) || delivery.correlation?.session_id !== sessionId()) return;
      const event = delivery.payload as SwarmEvent;
      let board = boards.get(event.swarm_id);
      if (!board) boards.set(event.swarm_id, (board = new SwarmBoard()));
      const before = "subtask_id" in event ? board.row(event.subtask_id) : undefined;
      board.handle(event);
      for (const line of swarmEventLines(event, before, board))
        report(`swarm ${event.swarm_id}: ${line.trim()}`, {
          type: "swarm",
          swarm_id: event.swarm_id,
          event: event.type,
        });
    },
  });
  return () => subscription.close();
}
