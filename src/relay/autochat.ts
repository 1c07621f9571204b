import { randomUUID } from "node:crypto";
import { UserError } from "../contracts/errors.ts";
import { newCheckpoint, type CheckpointStore, type RelayAgent, type RelayCheckpoint } from "./checkpoint.ts";
import { RelayTurnError, runRelay } from "./engine.ts";
import { holdRelayEverywhere } from "./relay-lock.ts";
import { baseHooks, correlate, type RelayServices } from "./relay-services.ts";

/** `/autochat`: a relay on the task with no objective and no gate; resumable by its relay id. */
export async function startAutochat(
  services: RelayServices,
  store: CheckpointStore,
  task: string,
  relay: { agents: RelayAgent[]; rounds: number },
): Promise<RelayCheckpoint> {
  const checkpoint = newCheckpoint({
    relay_id: randomUUID(),
    task,
    workspace: services.prepared.session.directory,
    model: services.prepared.model.ref,
    agents: relay.agents,
    max_rounds: relay.rounds,
  });
  await store.saveCheckpoint(checkpoint);
  return continueAutochat(services, store, checkpoint);
}

export async function continueAutochat(
  services: RelayServices,
  store: CheckpointStore,
  checkpoint: RelayCheckpoint,
): Promise<RelayCheckpoint> {
  correlate(services, checkpoint);
  const release = await holdRelayEverywhere(store, services.lockDir, checkpoint.relay_id);
  try {
    // Read again under the lock: another process may have taken turns since the caller read it.
    const latest = (await store.getCheckpoint(checkpoint.relay_id)) ?? checkpoint;
    return await runRelay(store, latest, baseHooks(services, latest));
  } catch (error) {
    if (error instanceof RelayTurnError)
      throw new UserError(`${error.message}; resume with: codetether okr resume --run ${checkpoint.relay_id}`);
    throw error;
  } finally {
    await release();
  }
}
