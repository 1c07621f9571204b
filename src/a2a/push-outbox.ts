import { cachedStatement, openDatabase, type Database, inTransaction } from "../storage/database.ts";

/** One notification for one webhook. */
export interface OutboxEntry {
  taskId: string;
  configId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A queued notification claimed for delivery. */
export interface ClaimedEntry extends OutboxEntry {
  seq: number;
  /** Failed attempts so far. */
  attempts: number;
}

/**
 * The durable queue of push notifications: SQLite (`SqlitePushOutbox`) or PostgreSQL
 * (`PostgresPushOutbox`, shared by replicas). Each webhook's notifications go out oldest first, one at a
 * time: only a queue's head is ever claimed, and a claimed head belongs to its claimer until it is
 * removed, put back with `retryLater`, or the claim lapses (its process died).
 */
export interface PushOutbox {
  /** Appends the entries; resolves once they are durable. */
  enqueue(entries: OutboxEntry[]): Promise<void>;
  /** Claims the due head of every webhook's queue that nobody holds, oldest first. */
  claimDue(): Promise<ClaimedEntry[]>;
  /** Removes a delivered (or dropped) entry. */
  remove(seq: number): Promise<void>;
  /** Releases a claimed entry after a failed attempt: due again in `delayMs`. */
  retryLater(seq: number, attempts: number, delayMs: number, error: string): Promise<void>;
  /** Milliseconds until a head is due or claimable again (0 when one is now); undefined when nothing is queued. */
  nextDueInMs(): Promise<number | undefined>;
  /** When set, other processes queue entries too (and may die holding claims): look for due ones this often. */
  readonly pollIntervalMs?: number;
}

export interface OutboxRow {
  seq: number | string;
  task_id: string;
  config_id: string;
  url: string;
  headers: string;
  body: string;
  attempts: number;
}

export function claimedEntry(row: OutboxRow): ClaimedEntry {
  return {
    seq: Number(row.seq),
    taskId: row.task_id,
    configId: row.config_id,
    url: row.url,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    attempts: row.attempts,
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_push_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, config_id TEXT NOT NULL, url TEXT NOT NULL,
  headers TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT
);`;

/** Every webhook's oldest entry. */
const HEADS = `SELECT o.* FROM a2a_push_outbox o
  JOIN (SELECT min(seq) AS seq FROM a2a_push_outbox GROUP BY task_id, config_id, url) h ON o.seq = h.seq`;

/**
 * The outbox in the data dir's SQLite database. One process owns a data dir, so claims live in memory:
 * a new process starts with none, and takes over whatever its predecessor left queued.
 */
export class SqlitePushOutbox implements PushOutbox {
  private readonly db: Database;
  private readonly claimed = new Set<number>();

  constructor(dataDir: string) {
    this.db = openDatabase(dataDir, { synchronous: "FULL" });
    this.db.exec(SCHEMA);
  }

  async enqueue(entries: OutboxEntry[]): Promise<void> {
    const insert = cachedStatement(
      this.db,
      "INSERT INTO a2a_push_outbox (task_id, config_id, url, headers, body, next_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const now = Date.now();
    inTransaction(this.db, () => {
      for (const entry of entries)
        insert.run(entry.taskId, entry.configId, entry.url, JSON.stringify(entry.headers), entry.body, now);
    });
  }

  async claimDue(): Promise<ClaimedEntry[]> {
    const heads = cachedStatement(this.db, `${HEADS} WHERE o.next_at <= ? ORDER BY o.seq`).all(
      Date.now(),
    ) as OutboxRow[];
    const free = heads.map(claimedEntry).filter((entry) => !this.claimed.has(entry.seq));
    for (const entry of free) this.claimed.add(entry.seq);
    return free;
  }

  async remove(seq: number): Promise<void> {
    cachedStatement(this.db, "DELETE FROM a2a_push_outbox WHERE seq = ?").run(seq);
    this.claimed.delete(seq);
  }

  async retryLater(seq: number, attempts: number, delayMs: number, error: string): Promise<void> {
    cachedStatement(this.db, "UPDATE a2a_push_outbox SET attempts = ?, next_at = ?, last_error = ? WHERE seq = ?").run(
      attempts,
      Date.now() + delayMs,
      error,
      seq,
    );
    this.claimed.delete(seq);
  }

  async nextDueInMs(): Promise<number | undefined> {
    // Only heads can be sent: a row behind a head that is backing off must not wake the sender (a busy loop).
    const next = cachedStatement(this.db, `SELECT min(next_at) AS at FROM (${HEADS})`).get() as { at: number | null };
    return next.at === null ? undefined : Math.max(0, next.at - Date.now());
  }
}
