// The control plane's two stores, for suites that run against both: the data dir's SQLite, and a schema
// of its own in the PostgreSQL test database (skipped with the reason when that database does not answer).
import { randomUUID } from "node:crypto";
import { after } from "node:test";
import type pg from "pg";
import { PostgresControlPlaneStore } from "../../src/control-plane/postgres-store.ts";
import { SqliteControlPlaneStore } from "../../src/control-plane/sqlite-store.ts";
import type { ControlPlaneStore } from "../../src/control-plane/store.ts";
import { migrate } from "../../src/postgres/migrate.ts";
import { MIGRATIONS } from "../../src/postgres/schema.ts";
import { tempDir } from "../events/temp-dir.ts";
import { freshSchema, postgresUnavailableReason } from "../postgres/pg-fixture.ts";

/** One database; `store()` opens another store on it (as a restarted serve, or another replica, would). */
export interface StoreDatabase {
  store(): Promise<ControlPlaneStore>;
  /** Runs `close` when the test ends, before the database goes (as serve closes its stores first). */
  closeFirst(close: () => Promise<void>): void;
}

export interface Backend {
  name: string;
  skip?: string;
  open(): Promise<StoreDatabase>;
}

/** A migrated schema of its own, dropped when the test ends; `replica()` is another process's pool and store on it. */
export async function postgresDatabase() {
  const schema = await freshSchema();
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    await Promise.all(closers.map((close) => close()));
    await schema.drop();
  });
  const pool = await schema.open();
  await migrate(pool, MIGRATIONS);
  return {
    pool,
    closeFirst: (close: () => Promise<void>) => void closers.push(close),
    store: () => liveReplicaStore(pool),
    async replica() {
      const own = await schema.open();
      return { pool: own, store: await liveReplicaStore(own) };
    },
  };
}

/** A store as a running replica has it: its lease is current (its open streams count). */
async function liveReplicaStore(pool: pg.Pool): Promise<PostgresControlPlaneStore> {
  const replica = randomUUID();
  await pool.query("INSERT INTO codetether_replicas (id, lease_until) VALUES ($1, now() + interval '1 hour')", [
    replica,
  ]);
  return new PostgresControlPlaneStore(pool, replica);
}

export const BACKENDS: Backend[] = [
  {
    name: "sqlite",
    async open() {
      const dataDir = tempDir("codetether-cp-");
      const closers: Array<() => Promise<void>> = [];
      after(() => Promise.all(closers.map((close) => close())));
      return {
        store: async () => new SqliteControlPlaneStore(dataDir),
        closeFirst: (close: () => Promise<void>) => void closers.push(close),
      };
    },
  },
  { name: "postgresql", skip: await postgresUnavailableReason(), open: postgresDatabase },
];
