import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_contexts (
  context_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, updated_at INTEGER NOT NULL
);`;

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
    const row = cachedStatement(this.db, "SELECT session_id FROM a2a_contexts WHERE context_id = ?").get(contextId) as { session_id: string } | undefined;
    return row?.session_id;
  }

  set(contextId: string, sessionId: string): void {
    // Most tasks continue a known context: skip the write when nothing changes.
    if (this.get(contextId) === sessionId) return;
    cachedStatement(this.db, "INSERT INTO a2a_contexts (context_id, session_id, updated_at) VALUES (?, ?, ?) ON CONFLICT(context_id) DO UPDATE SET session_id = excluded.session_id, updated_at = excluded.updated_at")
      .run(contextId, sessionId, Date.now());
  }
}
