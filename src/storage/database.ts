import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);
const open = new Map<string, Database>();

export interface DatabaseOptions {
  /**
   * "NORMAL" (the default, with WAL) keeps every commit across a crash of the process, e.g. kill -9;
   * "FULL" also fsyncs each commit, surviving power loss: for servers that acknowledge writes to peers.
   */
  synchronous?: "NORMAL" | "FULL";
}

/**
 * The embedded SQLite database `<data dir>/codetether.db`. One connection per process and path;
 * features add their own tables with `CREATE TABLE IF NOT EXISTS`. Asking for FULL once upgrades
 * the shared connection.
 */
export function openDatabase(dataDir: string, options: DatabaseOptions = {}): Database {
  const path = join(dataDir, "codetether.db");
  const existing = open.get(path);
  if (existing?.open) {
    if (options.synchronous === "FULL") existing.pragma("synchronous = FULL");
    return existing;
  }
  mkdirSync(dataDir, { recursive: true });
  const Sqlite = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Sqlite(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
  db.pragma("busy_timeout = 5000");
  open.set(path, db);
  return db;
}
