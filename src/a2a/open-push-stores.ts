import type { SharedDatabase } from "../postgres/shared-database.ts";
import { SqlitePushConfigStore, type PushConfigStore } from "./push-config-store.ts";
import { SqlitePushOutbox, type PushOutbox } from "./push-outbox.ts";

export interface PushStores {
  configs: PushConfigStore;
  outbox: PushOutbox;
}

/** Longer than a delivery attempt (15 s at most), so a live replica's claim never lapses under it. */
const CLAIM_MS = 60_000;

/** Serve's push configs and outbox: in the shared PostgreSQL database when there is one, else the data dir's SQLite. */
export async function openPushStores(
  dataDir: string,
  database: SharedDatabase | undefined,
  allowPrivate: boolean,
): Promise<PushStores> {
  if (!database)
    return { configs: new SqlitePushConfigStore(dataDir, allowPrivate), outbox: new SqlitePushOutbox(dataDir) };
  const [{ PostgresPushConfigStore }, { PostgresPushOutbox }] = await Promise.all([
    import("./postgres-push-config-store.ts"),
    import("./postgres-push-outbox.ts"),
  ]);
  return {
    configs: new PostgresPushConfigStore(database.pool, allowPrivate),
    // A dead replica's claims lapse with its lease: looked for as often as its tasks are.
    outbox: new PostgresPushOutbox(database.pool, database.lease, {
      claimMs: CLAIM_MS,
      pollIntervalMs: database.leaseTtlMs / 2,
    }),
  };
}
