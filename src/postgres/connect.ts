import type { Pool } from "pg";
import { UserError } from "../contracts/errors.ts";

export interface ConnectOptions {
  url: string;
  /** Tables live in this schema instead of the database's default one (`public`); it must exist. */
  schema?: string;
  /** Connections kept open at most (pg's default is 10). */
  max?: number;
  log?: (line: string) => void;
}

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
