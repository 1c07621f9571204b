import { randomUUID } from "node:crypto";
import pg from "pg";
import { connectPostgres, quoteIdentifier } from "../../src/postgres/connect.ts";

/** The database the PostgreSQL tests use (this machine and CI run one): override with CODETETHER_TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.CODETETHER_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

let reason: Promise<string | undefined> | undefined;

/** Why PostgreSQL tests must skip, or undefined when the test database answers (checked once per process). */
export function postgresUnavailableReason(): Promise<string | undefined> {
  reason ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return undefined;
    } catch (error) {
      return `PostgreSQL unreachable at ${TEST_DATABASE_URL} (${(error as Error).message}); set CODETETHER_TEST_DATABASE_URL`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reason;
}

/** A test that drops what it made when it ends (node:test's TestContext). */
interface Dropping {
  after(fn: () => Promise<void>): void;
}

/**
 * A schema of its own in the test database, so tests never see each other's tables: `open()` gives
 * pools whose search_path is that schema; `drop()` ends them and removes the schema (when the test `t`
 * ends, if given).
 */
export async function freshSchema(t?: Dropping) {
  const schema = `cttest_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
  const pools: pg.Pool[] = [];
  const fresh = {
    schema,
    url: TEST_DATABASE_URL,
    async open(): Promise<pg.Pool> {
      const pool = await connectPostgres({ url: TEST_DATABASE_URL, schema, max: 4 });
      pools.push(pool);
      return pool;
    },
    async drop(): Promise<void> {
      // A store may have ended its pool already (its close()); ending twice throws.
      await Promise.all(pools.map((pool) => (pool.ended ? undefined : pool.end().catch(() => undefined))));
      await admin.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
      await admin.end();
    },
  };
  t?.after(() => fresh.drop());
  return fresh;
}

/** A database of its own (for a whole serve process, which uses the default schema): `url`, and `drop()` (as freshSchema's). */
export async function freshDatabase(t?: Dropping) {
  const name = `cttest_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const fresh = {
    url: url.toString(),
    async drop(): Promise<void> {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
  t?.after(() => fresh.drop());
  return fresh;
}
