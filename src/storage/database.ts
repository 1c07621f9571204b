import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);
const open = new Map<string, Database>();

/**
 * The embedded SQLite database `<data dir>/codetether.db` (WAL, synchronous=FULL so that what is
 * acknowledged survives a crash). One connection per process and path; features add their own
 * tables with `CREATE TABLE IF NOT EXISTS`.
 */
export function openDatabase(dataDir: string): Database {
  const path = join(dataDir, "codetether.db");
  const existing = open.get(path);
  if (existing?.open) return existing;
  mkdirSync(dataDir, { recursive: true });
  const Sqlite = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Sqlite(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  open.set(path, db);
  return db;
}
