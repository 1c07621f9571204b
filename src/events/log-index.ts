import { inTransaction, type Database, type Statement } from "../storage/database.ts";
import { openSqlite } from "../storage/sqlite.ts";
import { privateFiles, sqliteFiles } from "../storage/private-files.ts";
import { join } from "node:path";
import {
  openLog,
  type AppendLog,
  type LogEntry,
  type LogLocation,
  type LogOptions,
  type LogPosition,
  type RawEntry,
  type RetentionPolicy,
} from "./log/index.ts";
import {
  comparePositions,
  encodeCursor,
  decodeCursor,
  matchesQuery,
  type IndexedFields,
  type IndexedLocation,
  type IndexPage,
  type IndexQuery,
  type UnindexedRow,
} from "./index-query.ts";

const COLUMN_NAME = /^[a-z][a-z_]*$/;
/**
 * How long added rows wait to be written together, and how many are written at once at most. A commit writes
 * the same few hot pages per index whatever its number of rows: a busy serve's two indexes wrote 16 WAL frames
 * per blocking task at 20 ms, 7 at 100 ms. Readers miss nothing meanwhile (see readUnindexed).
 */
const BATCH_MS = 100;
const MAX_BATCH = 1000;

/** Which fields of a record the index keeps: its `ts` and the named string columns. */
export interface IndexSpec<T> {
  columns: readonly string[];
  project(record: T): IndexedFields;
}

export function indexSpec<T extends { ts: string }>(columns: readonly (keyof T & string)[]): IndexSpec<T> {
  return {
    columns,
    project: (record) => ({
      ts: Date.parse(record.ts),
      values: columns.map((column) => (record[column] as string | null | undefined) ?? null),
    }),
  };
}

/** The sidecar index file of the log in `dir`. */
export function indexPath(dir: string): string {
  return join(dir, "index.sqlite");
}

export interface IndexedLogOptions extends LogOptions {
  /** Old closed segments are removed by this policy (see AppendLog.retain), their index rows first. */
  retention?: RetentionPolicy;
}

/**
 * Opens the log in `dir` as its writer with its index caught up, then lets `build` finish the
 * object on top, then applies the retention policy; if anything fails, both are closed before the
 * error propagates.
 */
export async function openIndexedLog<T, R>(
  dir: string,
  spec: IndexSpec<T>,
  options: IndexedLogOptions,
  build: (log: AppendLog<T>, index: LogIndex<T>) => Promise<R> | R,
): Promise<R> {
  const log = await openLog<T>(dir, options);
  const index = new LogIndex<T>(indexPath(dir), spec.columns, spec.project);
  try {
    await index.catchUp(log);
    const built = await build(log, index);
    const policy = options.retention;
    if (policy)
      await log.retain({
        ...policy,
        beforeRemove: async (segments) => {
          await policy.beforeRemove?.(segments);
          index.forget(segments.at(-1)!);
        },
      });
    return built;
  } catch (error) {
    index.close();
    await log.close();
    throw error;
  }
}

/**
 * A SQLite sidecar mapping filterable fields to log positions, so a lookup costs an index seek plus
 * one read per hit instead of a scan of the log. The log stays the source of truth: the index is
 * written after a record is durable and, on open, catches up on whatever a crash kept it from seeing.
 * Rows added within BATCH_MS share a transaction: a commit rewrites every b-tree page its rows touched, and a
 * busy server's records arrive a few per event-loop turn, so a transaction per turn cost it more than the rows
 * themselves. Lookups here write what is queued first; a reader of another process's index reads the records
 * past the index's end from the log when it opens (readUnindexed), so it misses nothing durable by then.
 */
export class LogIndex<T> {
  private readonly db: Database;
  private readonly insert: Statement | undefined; // absent on a read-only index
  private queued: unknown[][] = [];
  /** A reader's rows for the records its writer had made durable but not yet indexed when it looked (readUnindexed). */
  private unindexed: UnindexedRow[] = [];
  private batch: NodeJS.Timeout | undefined;
  private failed = false;
  private readonly bySession: boolean;
  /** Columns of the spec a reader's index file lacks: its writer made it before they were added. */
  private missing: string[];

  /** `readonly`: a reader's view of the index another process keeps (it must exist; add/catchUp are not for it). */
  constructor(
    path: string,
    private readonly columns: readonly string[],
    private readonly project: (record: T) => IndexedFields,
    options: { readonly?: boolean } = {},
  ) {
    for (const column of columns) if (!COLUMN_NAME.test(column)) throw new Error(`bad index column ${column}`);
    this.bySession = columns.includes("session_id");
    this.db = openSqlite(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) privateFiles(...sqliteFiles(path));
    this.db.pragma("busy_timeout = 2000");
    this.missing = this.missingColumns();
    if (options.readonly) {
      this.insert = undefined;
      return;
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL"); // losing the newest rows is fine: catchUp restores them
    const columnDefs = columns.map((column) => `, ${column} TEXT`).join("");
    // One transaction: a reader never finds the table missing while an old one is replaced.
    inTransaction(this.db, () => this.createTables(columnDefs));
    this.missing = [];
    const names = ["segment", "offset", "length", "ts", ...columns];
    this.insert = this.db.prepare(
      `INSERT OR IGNORE INTO entries (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
    );
  }

  private createTables(columnDefs: string): void {
    // An index made before a column was added cannot answer lookups on it: rebuilt from the log by catchUp
    // (readers see it fill up meanwhile, as after a crash).
    if (this.missing.length) this.db.exec("DROP TABLE entries");
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (segment INTEGER NOT NULL, offset INTEGER NOT NULL,
      length INTEGER NOT NULL, ts INTEGER NOT NULL${columnDefs}, PRIMARY KEY (segment, offset)) WITHOUT ROWID`);
    // Partial: most records leave the correlation columns (OKR, relay…) null, and a lookup is always
    // `column = ?`, which SQLite answers from an index without the nulls; each record then updates fewer
    // b-trees. Files made before keep their full indexes, which answer the same lookups.
    for (const column of this.columns) {
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS entries_${column} ON entries (${column}, segment, offset) WHERE ${column} IS NOT NULL`,
      );
    }
    this.db.exec("CREATE INDEX IF NOT EXISTS entries_ts ON entries (ts, segment, offset)");
    if (this.bySession)
      this.db.exec("CREATE TABLE IF NOT EXISTS removed (session_id TEXT PRIMARY KEY, bytes INTEGER NOT NULL)");
  }

  add(location: LogLocation, record: T): void {
    if (!this.insert) throw new Error("a read-only index cannot add records");
    const fields = this.project(record);
    this.queued.push([location.segment, location.offset, location.length, fields.ts, ...fields.values]);
    if (this.queued.length >= MAX_BATCH) this.writeQueued();
    else this.batch ??= setTimeout(() => this.writeQueued(), BATCH_MS).unref(); // close() writes what is left
  }

  /** Writes the rows added so far, without waiting out the batch window. */
  writeQueued(): void {
    clearTimeout(this.batch);
    this.batch = undefined;
    if (this.queued.length === 0 || !this.db.open) return;
    const rows = this.queued;
    this.queued = [];
    // After a failure nothing more is written, so the index ends before the gap and catchUp fills it.
    if (this.failed) return;
    try {
      inTransaction(this.db, () => rows.forEach((row) => this.insert!.run(...row)));
    } catch (error) {
      // The log holds the records; the next open's catchUp indexes them. Lookups miss them until then.
      if (!this.failed)
        process.emitWarning(
          `index ${this.db.name} could not be written (${(error as Error).message}); it is rebuilt from the log on the next start`,
        );
      this.failed = true;
    }
  }

  /** Indexes the records the log holds past the last indexed one; rebuilds if the index is ahead of the log. */
  async catchUp(log: AppendLog<T>): Promise<number> {
    let next = this.indexedEnd();
    const end = log.end();
    if (next && comparePositions(next, end) > 0) {
      this.db.exec("DELETE FROM entries");
      next = undefined;
    }
    let added = 0;
    for await (const { record, ...location } of log.entries(next)) {
      this.add(location, record); // written MAX_BATCH at a time
      added++;
    }
    this.writeQueued();
    return added;
  }

  /**
   * Drops the rows of segments 1..`through` (about to be removed by retention), remembering per session
   * how many bytes they held, so that offsets into a session's byte stream stay what they were.
   */
  forget(through: number): void {
    this.writeQueued();
    inTransaction(this.db, () => {
      if (this.bySession)
        this.db
          .prepare(
            `INSERT INTO removed (session_id, bytes) SELECT session_id, SUM(length) FROM entries
            WHERE segment <= ? AND session_id IS NOT NULL GROUP BY session_id
            ON CONFLICT (session_id) DO UPDATE SET bytes = bytes + excluded.bytes`,
          )
          .run(through);
      this.db.prepare("DELETE FROM entries WHERE segment <= ?").run(through);
    });
  }

  /** The bytes of the session's records removed by retention (0 for an index written before retention). */
  removedBytes(sessionId: string): number {
    if (!this.bySession) return 0;
    try {
      const row = this.db.prepare("SELECT bytes FROM removed WHERE session_id = ?").get(sessionId) as
        { bytes: number } | undefined;
      return row?.bytes ?? 0;
    } catch {
      return 0; // a reader's view of an index whose writer never removed anything: no such table
    }
  }

  /**
   * For a reader of a live writer's index: reads the records past the index's end from the writer's log, so that
   * lookups answer for them as if they were indexed (the writer indexes in batches of up to BATCH_MS).
   */
  async readUnindexed(log: { rawEntries(from?: LogPosition): AsyncGenerator<RawEntry> }): Promise<void> {
    const rows: UnindexedRow[] = [];
    // Without a table yet (its writer is still opening), the whole log is past the index's end.
    const end = this.columnsOnDisk().length ? this.indexedEnd() : undefined;
    for await (const { segment, offset, length, bytes } of log.rawEntries(end)) {
      let record: T;
      try {
        record = JSON.parse(bytes.toString("utf8")) as T;
      } catch {
        continue; // a damaged line: no lookup can name it
      }
      rows.push({ segment, offset, length, ...this.project(record) });
    }
    this.unindexed = rows;
  }

  find(query: IndexQuery): IndexPage {
    this.writeQueued();
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [column, value] of Object.entries(query.equals ?? {})) {
      if (value === undefined) continue;
      if (!this.columns.includes(column)) throw new Error(`cannot filter on ${column}`);
      if (this.missing.includes(column))
        throw new Error(
          `the index ${this.db.name} predates the ${column} filter; its writer rebuilds it when it restarts`,
        );
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (query.from !== undefined) {
      where.push("ts >= ?");
      params.push(new Date(query.from).getTime());
    }
    if (query.to !== undefined) {
      where.push("ts <= ?");
      params.push(new Date(query.to).getTime());
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      where.push(`(segment, offset) ${query.order === "asc" ? ">" : "<"} (?, ?)`);
      params.push(after.segment, after.offset);
    }
    const direction = query.order === "asc" ? "ASC" : "DESC";
    const rows = this.db
      .prepare(
        `SELECT segment, offset, length, ts FROM entries ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY segment ${direction}, offset ${direction} LIMIT ?`,
      )
      .all(...params, query.limit + 1) as IndexedLocation[];
    // Rows not indexed yet all lie past the indexed ones: after them in ascending order, before them descending.
    const pending = this.pendingRows()
      .filter((row) => matchesQuery(row, query, this.columns))
      .map(({ values: _values, ...at }) => at);
    const all = query.order === "asc" ? [...rows, ...pending] : [...pending.reverse(), ...rows];
    const locations = all.slice(0, query.limit);
    const last = locations[locations.length - 1];
    return all.length > query.limit && last ? { locations, nextCursor: encodeCursor(last) } : { locations };
  }

  /** The rows readUnindexed read that the writer has not indexed since (a view may live on while it does). */
  private pendingRows(): UnindexedRow[] {
    if (this.unindexed.length === 0) return this.unindexed;
    const end = this.indexedEnd();
    if (end) this.unindexed = this.unindexed.filter((row) => comparePositions(row, end) >= 0);
    return this.unindexed;
  }

  /** The spec's columns an existing `entries` table lacks (none when there is no table yet). */
  private missingColumns(): string[] {
    const present = this.columnsOnDisk();
    return present.length ? this.columns.filter((column) => !present.includes(column)) : [];
  }

  /** The columns of the `entries` table in the file; none when it has no table yet. */
  private columnsOnDisk(): string[] {
    return (this.db.pragma("table_info(entries)") as { name: string }[]).map((column) => column.name);
  }

  close(): void {
    this.writeQueued();
    this.db.close();
  }

  private indexedEnd(): LogPosition | undefined {
    const row = this.db
      .prepare("SELECT segment, offset, length FROM entries ORDER BY segment DESC, offset DESC LIMIT 1")
      .get() as LogLocation | undefined;
    return row && { segment: row.segment, offset: row.offset + row.length };
  }
}

export interface RecordPage<T> {
  entries: LogEntry<T>[];
  nextCursor?: string;
}

/** Reads the records behind an index page, in page order: one positioned read each. */
export async function readPage<T>(log: AppendLog<T>, page: IndexPage): Promise<RecordPage<T>> {
  const found = await readPresent(page.locations, (location) => log.read(location));
  const entries = found.map(({ ts: _ts, ...entry }) => entry);
  return page.nextCursor === undefined ? { entries } : { entries, nextCursor: page.nextCursor };
}

/**
 * Each location with its record read, in order, leaving out those whose segment retention removed
 * between the index lookup and the read.
 */
export async function readPresent<L, T>(
  locations: L[],
  read: (location: L) => Promise<T>,
): Promise<(L & { record: T })[]> {
  const entries = await Promise.all(
    locations.map(async (location) => {
      try {
        return { ...location, record: await read(location) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    }),
  );
  return entries.filter((entry) => entry !== undefined);
}
