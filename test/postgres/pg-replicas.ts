import type { TestContext } from "node:test";
import type { Pool } from "pg";
import { migrate } from "../../src/postgres/migrate.ts";
import { ReplicaLease } from "../../src/postgres/replica-lease.ts";
import { MIGRATIONS } from "../../src/postgres/schema.ts";
import { freshSchema, postgresUnavailableReason } from "./pg-fixture.ts";

/**
 * For store contract tests: a migrated fresh schema, its first pool, more pools (`open`) for other
 * replicas, a lease per replica (released after the test), and `lapse` for a replica's death as the others
 * see it. Undefined (the test skipped) when PostgreSQL is unavailable.
 */
export async function replicaFixture(t: TestContext) {
  const reason = await postgresUnavailableReason();
  if (reason) {
    t.skip(reason);
    return undefined;
  }
  const schema = await freshSchema(t);
  const pool = await schema.open();
  await migrate(pool, MIGRATIONS);
  return {
    pool,
    open: () => schema.open(),
    async lease(on: Pool): Promise<ReplicaLease> {
      const lease = await ReplicaLease.acquire(on, { ttlMs: 60_000 });
      t.after(() => lease.release().catch(() => undefined));
      return lease;
    },
    async lapse(lease: ReplicaLease): Promise<void> {
      await pool.query("UPDATE codetether_replicas SET lease_until = now() - interval '1 second' WHERE id = $1", [
        lease.id,
      ]);
    },
  };
}
