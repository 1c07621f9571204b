import type { Pool } from "pg";
import { UserError } from "../contracts/errors.ts";
import { setTimeout as sleep } from "node:timers/promises";

export interface ConnectOptions {
  url: string;
  /** Tables live in this schema instead of the database's default one (`public`); it must exist. */
  schema?: string;
  /** Connections kept open at most (pg's default is 10). */
  max?: number;
  log?: (line: string) => void;
  /** A query not answered, or a connection not given, within this long fails (default DEFAULT_TIMEOUT_SECS). */
  timeoutMs?: number;
}

/**
 * `[storage] timeout_secs`'s default: far above any query of ours on a healthy database (and a wait for a free
 * connection under load), yet short of A2A clients giving up, and of Kubernetes' 30 s grace on shutdown.
 */
export const DEFAULT_TIMEOUT_SECS = 15;
/** The client waits this much longer than the server's own limit, so a slow query ends with the server's clean cancel. */
const CLIENT_GRACE_MS = 1000;
/** Closing a connection waits this long at most: a database that stopped answering never acknowledges the goodbye. */
const END_TIMEOUT_MS = 2000;

/**
 * A connection pool to PostgreSQL, checked with one round trip. `pg` is imported here, when a
 * database URL is configured, and nowhere else: the SQLite mode and `--help` never load it.
 */
export async function connectPostgres(options: ConnectOptions): Promise<Pool> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: "codetether",
    // Idle connections never keep the process alive (e.g. after a failed start, nothing closes the pool).
    allowExitOnIdle: true,
    options: options.schema ? `-c search_path=${quoteIdentifier(options.schema)}` : undefined,
    ...timeouts(options.timeoutMs ?? DEFAULT_TIMEOUT_SECS * 1000),
  });
  // An idle connection the server drops (restart, failover) is replaced on next use; it must not crash the process.
  pool.on("error", (error) => options.log?.(`PostgreSQL connection lost: ${error.message}`));
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new UserError(`cannot connect to PostgreSQL at ${describeUrl(options.url)}: ${(error as Error).message}`);
  }
  return pool;
}

/**
 * Without these, a database that stops answering (partition, hung server) hangs requests and shutdown forever.
 * Waits that are long on purpose (the migration lock) override them per query.
 */
function timeouts(ms: number) {
  return {
    // Getting a connection: opening one, and waiting for a free one of the pool.
    connectionTimeoutMillis: ms,
    // Server side: a slow query is cancelled and the connection stays usable; nothing runs on holding locks.
    statement_timeout: ms,
    // Client side: the only limit that holds when the server answers nothing at all.
    query_timeout: ms + CLIENT_GRACE_MS,
    // A transaction whose client vanished between statements releases its locks.
    idle_in_transaction_session_timeout: ms,
    // A dead peer is noticed on idle connections too (the LISTEN connection is idle most of the time).
    keepAlive: true,
    keepAliveInitialDelayMillis: ms,
  };
}

/**
 * Waits for a client's `end()`, END_TIMEOUT_MS at most and never throwing: a database that stopped answering
 * never confirms the close, and a stopping process must not wait for it. (A pool's `end()` waits only for the
 * connections in use, which the query timeout frees.)
 */
export async function endWithin(ending: Promise<unknown>): Promise<void> {
  await Promise.race([ending.catch(() => undefined), sleep(END_TIMEOUT_MS, undefined, { ref: false })]);
}

/** `"name"`, safe to splice into SQL as an identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** host:port/database of a URL, without its user or password (for messages and logs). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host || "localhost"}${parsed.pathname}`;
  } catch {
    return "the configured URL";
  }
}
