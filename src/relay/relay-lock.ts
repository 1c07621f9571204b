import { join } from "node:path";
import { holdOrRefuse } from "../storage/exclusive-lock.ts";
import type { CheckpointStore } from "./checkpoint.ts";

/** Where the relay locks of a data directory live. */
export function relayLockDir(dataDir: string): string {
  return join(dataDir, "relays");
}

/**
 * Holds the relay for this process until released (or the process ends, however it ends): a second
 * `okr resume` of a relay still running elsewhere would run its turns twice.
 */
export function holdRelay(lockDir: string, relayId: string): () => void {
  return holdOrRefuse(lockDir, relayId, `relay ${relayId} is running in another process`);
}

/** holdRelay, and the store's own hold when other machines share it (PostgreSQL): released together. */
export async function holdRelayEverywhere(
  store: CheckpointStore,
  lockDir: string,
  relayId: string,
): Promise<() => Promise<void>> {
  const release = holdRelay(lockDir, relayId);
  try {
    const releaseShared = await store.holdRelay?.(relayId);
    return async () => {
      await releaseShared?.();
      release();
    };
  } catch (error) {
    release();
    throw error;
  }
}
