import type { Pool, QueryConfig } from "pg";
import { inTransaction } from "./transaction.ts";

export interface Migration {
  /** Applied in increasing order, once per database (schema); never renumber or edit a released one. */
  version: number;
  name: string;
  sql: string;
}

/** Key of the transaction-level advisory lock that serializes migrations (with the schema's hash as second key). */
export const MIGRATION_LOCK = 0x43544d47; // "CTMG"

/**
 * The pool's query timeout is far too short here: waiting for the lock while another replica migrates, and a
 * migration itself, may rightly take minutes. A migration is applied before serve answers anything.
 */
const MIGRATION_TIMEOUT_MS = 15 * 60_000;

/**
 * Brings the database up to the newest of `migrations`: each one not yet recorded in
 * `codetether_migrations` runs, in version order, and the whole run is one transaction under an
 * advisory lock. Replicas starting at once therefore queue: the first applies what is missing and
 * commits, the others then find nothing to do. A failing migration rolls everything back. Returns
 * the versions applied by this call.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<number[]> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  ordered.forEach((migration, index) => {
    if (index > 0 && ordered[index - 1]!.version === migration.version)
      throw new Error(`two migrations have version ${migration.version}`);
  });
  return inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    // pg reads `query_timeout` from a query's config too (its types omit it).
    const slow = (text: string, values?: unknown[]) => {
      const config: QueryConfig & { query_timeout: number } = { text, values, query_timeout: MIGRATION_TIMEOUT_MS };
      return client.query(config);
    };
    await slow("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS codetether_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM codetether_migrations");
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of ordered) {
      if (done.has(migration.version)) continue;
      await slow(migration.sql).catch((error: Error) => {
        throw new Error(`database migration ${migration.version} (${migration.name}) failed: ${error.message}`);
      });
      await client.query("INSERT INTO codetether_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
