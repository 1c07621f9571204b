import type { Pool } from "pg";
import { connectPostgres, type ConnectOptions } from "./connect.ts";
import { migrate, type Migration } from "./migrate.ts";

/**
 * CodeTether's tables in PostgreSQL, one migration per change. Text columns that are sorted on use
 * the "C" collation: the same byte order as the SQLite stores, whatever the database's locale.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "a2a tasks",
    sql: `
      CREATE TABLE a2a_tasks (
        id TEXT COLLATE "C" PRIMARY KEY, context_id TEXT NOT NULL, state INTEGER NOT NULL,
        status_time TEXT COLLATE "C" NOT NULL, body TEXT NOT NULL, updated_at BIGINT NOT NULL
      );
      CREATE INDEX a2a_tasks_by_time ON a2a_tasks (status_time, id);
      CREATE INDEX a2a_tasks_by_context ON a2a_tasks (context_id, status_time);
      CREATE INDEX a2a_tasks_by_state ON a2a_tasks (state);`,
  },
  {
    version: 2,
    name: "replica leases",
    sql: `
      CREATE TABLE codetether_replicas (id TEXT PRIMARY KEY, lease_until TIMESTAMPTZ NOT NULL);
      ALTER TABLE a2a_tasks ADD COLUMN replica_id TEXT;`,
  },
  {
    version: 3,
    name: "worker control plane",
    sql: `
      CREATE TABLE cp_workers (
        id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, hostname TEXT, capabilities TEXT NOT NULL,
        workspaces TEXT NOT NULL, max_concurrent_tasks INTEGER NOT NULL, registered_at BIGINT NOT NULL,
        last_seen BIGINT NOT NULL, online BOOLEAN NOT NULL, heartbeat TEXT
      );
      CREATE TABLE cp_tasks (
        id TEXT COLLATE "C" PRIMARY KEY, input TEXT NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, worker_id TEXT, run_id TEXT, result TEXT, error TEXT, session_id TEXT,
        cancel_requested BOOLEAN NOT NULL DEFAULT false, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL
      );
      CREATE INDEX cp_tasks_worker ON cp_tasks (worker_id, status);
      CREATE INDEX cp_tasks_status ON cp_tasks (status, created_at);
      -- One row each time a task becomes pending; seq is the SSE event id of the worker stream.
      CREATE TABLE cp_offers (seq BIGSERIAL PRIMARY KEY, task_id TEXT NOT NULL);
      CREATE INDEX cp_offers_task ON cp_offers (task_id, seq);
      CREATE TABLE cp_output (
        id BIGSERIAL PRIMARY KEY, task_id TEXT NOT NULL, run_id TEXT NOT NULL, batch INTEGER NOT NULL,
        events TEXT NOT NULL, UNIQUE (task_id, run_id, batch)
      );
      -- Task streams open per worker and replica: a worker is connected while one is open on a live replica.
      CREATE TABLE cp_worker_streams (
        worker_id TEXT NOT NULL, replica_id TEXT NOT NULL, streams INTEGER NOT NULL, PRIMARY KEY (worker_id, replica_id)
      );`,
  },
  {
    version: 4,
    name: "push configs and outbox",
    sql: `
      CREATE TABLE a2a_push_configs (
        task_id TEXT NOT NULL, id TEXT COLLATE "C" NOT NULL, body TEXT NOT NULL, wire_version TEXT NOT NULL,
        created_at BIGINT NOT NULL, seq BIGSERIAL NOT NULL, PRIMARY KEY (task_id, id)
      );
      CREATE TABLE a2a_push_outbox (
        seq BIGSERIAL PRIMARY KEY, task_id TEXT NOT NULL, config_id TEXT NOT NULL, url TEXT NOT NULL,
        headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_at TIMESTAMPTZ NOT NULL DEFAULT now(), last_error TEXT, claimed_by TEXT, claimed_until TIMESTAMPTZ
      );
      CREATE INDEX a2a_push_outbox_by_webhook ON a2a_push_outbox (task_id, config_id, url, seq);`,
  },
  {
    version: 5,
    name: "a2a context sessions",
    sql: `
      CREATE TABLE a2a_sessions (
        id TEXT PRIMARY KEY, info TEXT NOT NULL, version TEXT NOT NULL, last_seq INTEGER NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE a2a_session_messages (
        session_id TEXT NOT NULL REFERENCES a2a_sessions (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        kind TEXT NOT NULL, content TEXT NOT NULL, summarizes INTEGER, created_at BIGINT NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE a2a_contexts (context_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, updated_at BIGINT NOT NULL);`,
  },
  {
    version: 6,
    name: "okrs",
    // seq: the insertion order, which breaks ties between equal timestamps as SQLite's rowid does.
    sql: `
      CREATE TABLE okrs (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT COLLATE "C" NOT NULL, doc TEXT NOT NULL,
        seq BIGSERIAL NOT NULL
      );
      CREATE INDEX okrs_by_time ON okrs (created_at, seq);
      CREATE TABLE okr_key_results (
        id TEXT PRIMARY KEY, okr_id TEXT NOT NULL REFERENCES okrs (id), position INTEGER NOT NULL, doc TEXT NOT NULL
      );
      CREATE INDEX okr_key_results_by_okr ON okr_key_results (okr_id, position);
      CREATE TABLE okr_runs (
        id TEXT PRIMARY KEY, okr_id TEXT NOT NULL REFERENCES okrs (id), started_at TEXT COLLATE "C" NOT NULL,
        doc TEXT NOT NULL, seq BIGSERIAL NOT NULL
      );
      CREATE INDEX okr_runs_by_okr ON okr_runs (okr_id, started_at, seq);
      CREATE TABLE okr_outcomes (
        id TEXT PRIMARY KEY, kr_id TEXT NOT NULL, run_id TEXT, created_at TEXT COLLATE "C" NOT NULL,
        doc TEXT NOT NULL, seq BIGSERIAL NOT NULL
      );
      CREATE INDEX okr_outcomes_by_kr ON okr_outcomes (kr_id, created_at, seq);
      CREATE INDEX okr_outcomes_by_run ON okr_outcomes (run_id, created_at, seq);
      CREATE TABLE relay_checkpoints (
        relay_id TEXT PRIMARY KEY, okr_run_id TEXT, updated_at TEXT NOT NULL, doc TEXT NOT NULL
      );`,
  },
  {
    version: 7,
    name: "a2a worker contexts",
    // Which worker (and its session) holds a context whose turns ran on workers: every replica must know.
    sql: `CREATE TABLE a2a_worker_contexts (
        context_id TEXT PRIMARY KEY, worker_id TEXT NOT NULL, session_id TEXT NOT NULL, updated_at BIGINT NOT NULL
      );`,
  },
];

/** A pool to the configured database, migrated to this version's schema before anything uses it. */
export async function openPostgresStorage(options: ConnectOptions): Promise<Pool> {
  const pool = await connectPostgres(options);
  try {
    const applied = await migrate(pool, MIGRATIONS);
    if (applied.length > 0) options.log?.(`database migrated to version ${applied.at(-1)}`);
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
