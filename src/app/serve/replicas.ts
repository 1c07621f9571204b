import type { DurableTaskStore } from "../../a2a/durable-task-store.ts";
import type { Replicas } from "../../a2a/replica-request-handler.ts";
import { ReplicaLink } from "../../a2a/replica-requests.ts";
import type { AgentBus } from "../../bus/agent-bus.ts";
import type { TaskHistory } from "../../bus/task-history.ts";

/** Replicas reach each other when they share a database (PostgreSQL) and a NATS bus; else each is alone. */
export async function replicasOf(
  store: DurableTaskStore,
  bus: AgentBus | undefined,
  log: (line: string) => void,
): Promise<Replicas | undefined> {
  const { replicaId, ownerElsewhere } = store;
  if (!bus || bus.transport !== "nats" || !replicaId || !ownerElsewhere) return undefined;
  const history = await taskHistoryOf(bus, log);
  return { link: new ReplicaLink(bus, replicaId), store: store as Replicas["store"], history };
}

/** Made before this replica runs a task, so every event it publishes is kept for the others' followers. */
async function taskHistoryOf(bus: AgentBus, log: (line: string) => void): Promise<TaskHistory | undefined> {
  try {
    return await bus.openTaskHistory?.();
  } catch (error) {
    log(`${(error as Error).message}; followers on other replicas get task events as plain NATS delivers them`);
    return undefined;
  }
}
