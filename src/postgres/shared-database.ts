import type { Pool } from "pg";
import type { StorageSection } from "./config.ts";
import type { ReplicaLease } from "./replica-lease.ts";

/**
 * With `[storage] url`: the one pool every PostgreSQL store of this serve shares, migrated, and this
 * replica's lease. Stores never end the pool; serve closes the database after all of them.
 */
export interface SharedDatabase {
  pool: Pool;
  lease: ReplicaLease;
  leaseTtlMs: number;
  /** Gives the lease up (nothing of this replica is left running) and ends the pool. */
  close(): Promise<void>;
}

/**
 * Opens the configured database, or undefined for SQLite. `pg` is loaded only when a URL is given.
 * `replicaId`: this replica's lease id when chosen already (see ReplicaLease), else a new one.
 */
export async function openSharedDatabase(
  storage: StorageSection,
  log?: (line: string) => void,
  replicaId?: string,
): Promise<SharedDatabase | undefined> {
  const { url, lease_secs, timeout_secs } = storage;
  if (!url) return undefined;
  const [{ openPostgresStorage }, { ReplicaLease }, { connectPostgres }] = await Promise.all([
    import("./schema.ts"),
    import("./replica-lease.ts"),
    import("./connect.ts"),
  ]);
  const timeoutMs = timeout_secs * 1000;
  const pool = await openPostgresStorage({ url, log, timeoutMs });
  const leaseTtlMs = lease_secs * 1000;
  let leasePool: Pool | undefined;
  try {
    // The lease renews on a connection of its own: queued behind a busy pool, it could lapse while this
    // replica lives, and the others would fail every task it is running.
    leasePool = await connectPostgres({ url, max: 1, log, timeoutMs });
    const lease = await ReplicaLease.acquire(leasePool, { ttlMs: leaseTtlMs, log, id: replicaId });
    let closing: Promise<void> | undefined;
    const close = async () => {
      await lease.release().catch(() => undefined);
      await Promise.all([pool.end(), leasePool!.end()]);
    };
    return { pool, lease, leaseTtlMs, close: () => (closing ??= close()) };
  } catch (error) {
    await Promise.all([pool.end(), leasePool?.end()].map((ending) => ending?.catch(() => undefined)));
    throw error;
  }
}
