import { privateDir, privateFiles, sqliteFiles } from "./private-files.ts";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { openSqlite } from "./sqlite.ts";

export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;

const open = new Map<string, Database>();

export interface DatabaseOptions {
  /**
   * "NORMAL" (the default, with WAL) keeps every commit across a crash of the process, e.g. kill -9;
   * "FULL" also fsyncs each commit, surviving power loss: for stores that acknowledge writes to peers.
   * That fsync runs on the main thread; a hot store commits on NORMAL and waits for WalSync instead.
   */
  synchronous?: "NORMAL" | "FULL";
  /** Nothing on disk: the process's one in-memory database, for what must not be kept (`[session] auto_save = false`). */
  memory?: boolean;
}

/**
 * The embedded SQLite database `<data dir>/codetether.db`; features add their own tables with
 * `CREATE TABLE IF NOT EXISTS`. One connection per process, path and durability: what a server
 * acknowledges to peers commits with an fsync each time, while its local bookkeeping (sessions,
 * approvals) does not pay for one on every write.
 */
export function openDatabase(dataDir: string, options: DatabaseOptions = {}): Database {
  const path = options.memory ? ":memory:" : join(dataDir, "codetether.db");
  const synchronous = options.synchronous ?? "NORMAL";
  const key = `${synchronous} ${path}`;
  const existing = open.get(key);
  if (existing?.open) return existing;
  if (!options.memory) privateDir(dataDir);
  const db = openSqlite(path);
  if (!options.memory) privateFiles(...sqliteFiles(path));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma("busy_timeout = 5000");
  open.set(key, db);
  return db;
}

const statements = new WeakMap<Database, Map<string, Statement>>();

/** `db.prepare(sql)`, compiled once per connection: for statements run on every task or message. */
export function cachedStatement(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

const schemas = new WeakMap<Database, Set<string>>();

/** `db.exec(schema)` once per connection: for stores opened on every task (sessions, approvals). */
export function ensureSchema(db: Database, schema: string): void {
  let done = schemas.get(db);
  if (!done) schemas.set(db, (done = new Set()));
  if (done.has(schema)) return;
  db.exec(schema);
  done.add(schema);
}

type Transaction = BetterSqlite3.Transaction<(work: () => unknown) => unknown>;
const transactions = new WeakMap<Database, Transaction>();

/**
 * How the project runs a transaction: `db.transaction(work)()` (or `.immediate()`: for work that reads then
 * writes), through one transaction function per connection: `db.transaction` builds four wrapper functions each
 * time it is called, which cost more than the commit of a few rows. Nested, it is a savepoint, as theirs.
 */
export function inTransaction<T>(db: Database, work: () => T, mode: "default" | "immediate" = "default"): T {
  let transaction = transactions.get(db);
  if (!transaction) transactions.set(db, (transaction = db.transaction((work: () => unknown) => work())));
  return (mode === "immediate" ? transaction.immediate(work) : transaction(work)) as T;
}
