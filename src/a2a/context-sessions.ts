import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_contexts (
  context_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS a2a_worker_contexts (
  context_id TEXT PRIMARY KEY, worker_id TEXT NOT NULL, session_id TEXT NOT NULL, updated_at INTEGER NOT NULL
);`;

/** A context whose turns run on a worker: the worker and its session. */
export interface WorkerSession {
  worker_id: string;
  session_id: string;
}

/**
 * Which agent session an A2A `contextId` continues (multi-turn conversations over A2A). Bookkeeping
 * like the sessions themselves: it survives a crash of the process without an fsync per new context.
 */
export class ContextSessions {
  private readonly db: Database;

  constructor(dataDir: string) {
    this.db = openDatabase(dataDir);
    this.db.exec(SCHEMA);
  }

  get(contextId: string): string | undefined {
    const row = cachedStatement(this.db, "SELECT session_id FROM a2a_contexts WHERE context_id = ?").get(contextId) as
      { session_id: string } | undefined;
    return row?.session_id;
  }

  /** The worker session a context continues, when its turns ran on a worker. */
  onWorker(contextId: string): WorkerSession | undefined {
    return cachedStatement(this.db, "SELECT worker_id, session_id FROM a2a_worker_contexts WHERE context_id = ?").get(
      contextId,
    ) as WorkerSession | undefined;
  }

  setOnWorker(contextId: string, { worker_id, session_id }: WorkerSession): void {
    cachedStatement(
      this.db,
      "INSERT INTO a2a_worker_contexts (context_id, worker_id, session_id, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(context_id) DO UPDATE SET worker_id = excluded.worker_id, session_id = excluded.session_id, updated_at = excluded.updated_at",
    ).run(contextId, worker_id, session_id, Date.now());
  }

  /** `read`: the context's session as the caller has just read it (`current` undefined: none), saving a read. */
  set(contextId: string, sessionId: string, read?: { current: string | undefined }): void {
    // Most tasks continue a known context: skip the write when nothing changes.
    if ((read ? read.current : this.get(contextId)) === sessionId) return;
    cachedStatement(
      this.db,
      "INSERT INTO a2a_contexts (context_id, session_id, updated_at) VALUES (?, ?, ?) ON CONFLICT(context_id) DO UPDATE SET session_id = excluded.session_id, updated_at = excluded.updated_at",
    ).run(contextId, sessionId, Date.now());
  }
}
