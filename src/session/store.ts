import { randomUUID } from "node:crypto";
import type { ModelMessage } from "ai";
import type { MessageKind, StoredMessage } from "../contracts/agent-events.ts";
import { cachedStatement, ensureSchema, inTransaction, openDatabase, type Database } from "../storage/database.ts";
import { redactStrings } from "../util/redact.ts";

export interface SessionInfo {
  id: string;
  title: string;
  directory: string;
  model: string;
  agent: string;
  parentId: string | null;
  createdAt: number;
  updatedAt: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  messageCount: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, directory TEXT NOT NULL, model TEXT NOT NULL,
  agent TEXT NOT NULL, parent_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_by_directory ON sessions(directory, updated_at);
CREATE TABLE IF NOT EXISTS messages (
  session_id TEXT NOT NULL REFERENCES sessions(id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
  role TEXT NOT NULL, content TEXT NOT NULL, summarizes INTEGER, created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS usage (
  session_id TEXT NOT NULL REFERENCES sessions(id), step INTEGER NOT NULL, model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cost REAL, created_at INTEGER NOT NULL
);`;

interface SessionRow {
  id: string;
  title: string;
  directory: string;
  model: string;
  agent: string;
  parent_id: string | null;
  created_at: number;
  updated_at: number;
  input_tokens: number;
  output_tokens: number;
  cost: number;
  message_count: number;
}

const SELECT_SESSION = `SELECT s.*, (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'message') AS message_count FROM sessions s`;
const INSERT_MESSAGE =
  "INSERT INTO messages (session_id, seq, kind, role, content, summarizes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/** Sessions, their messages (AI SDK ModelMessage JSON) and per-step usage, in SQLite. */
export class SessionStore {
  /** How deep in `batch` calls the store is (writes made meanwhile join the batch's transaction). */
  private batching = 0;

  private constructor(private readonly db: Database) {}

  /** With `save: false` sessions live in this process's memory only: nothing is written to the data dir. */
  static open(dataDir: string, options: { save?: boolean } = {}): SessionStore {
    const db = openDatabase(dataDir, { memory: options.save === false });
    ensureSchema(db, SCHEMA);
    return new SessionStore(db);
  }

  create(init: { directory: string; model: string; agent: string; title?: string; parentId?: string }): SessionInfo {
    const now = Date.now();
    const id = newSessionId(now);
    cachedStatement(
      this.db,
      `INSERT INTO sessions (id, title, directory, model, agent, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, init.title ?? "", init.directory, init.model, init.agent, init.parentId ?? null, now, now);
    // What reading the row back would give (a new session per A2A context: not worth a query).
    return {
      id,
      title: init.title ?? "",
      directory: init.directory,
      model: init.model,
      agent: init.agent,
      parentId: init.parentId ?? null,
      createdAt: now,
      updatedAt: now,
      inputTokens: 0,
      outputTokens: 0,
      cost: 0,
      messageCount: 0,
    };
  }

  get(id: string): SessionInfo | undefined {
    const row = cachedStatement(this.db, `${SELECT_SESSION} WHERE s.id = ?`).get(id) as SessionRow | undefined;
    return row && toInfo(row);
  }

  latest(directory: string): SessionInfo | undefined {
    const row = cachedStatement(
      this.db,
      `${SELECT_SESSION} WHERE s.directory = ? AND s.parent_id IS NULL ORDER BY s.updated_at DESC, s.rowid DESC LIMIT 1`,
    ).get(directory) as SessionRow | undefined;
    return row && toInfo(row);
  }

  /** Newest first; `topLevel` leaves out sub-agent sessions (those with a parent). */
  list(options: { directory?: string; limit?: number; topLevel?: boolean } = {}): SessionInfo[] {
    const conditions = [
      ...(options.directory ? ["s.directory = ?"] : []),
      ...(options.topLevel ? ["s.parent_id IS NULL"] : []),
    ];
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const params = options.directory ? [options.directory] : [];
    const rows = cachedStatement(
      this.db,
      `${SELECT_SESSION} ${where} ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ?`,
    ).all(...params, options.limit ?? 50) as SessionRow[];
    return rows.map(toInfo);
  }

  /** Deletes a session nothing was stored in (no message, no title, no sub-agent session); true when it did. */
  deleteIfUnused(id: string): boolean {
    const session = this.get(id);
    if (!session || session.messageCount > 0 || session.title) return false;
    if (cachedStatement(this.db, `SELECT 1 FROM sessions WHERE parent_id = ? LIMIT 1`).get(id)) return false;
    return this.delete(id).length > 0;
  }

  /** Deletes a session with its messages, usage and sub-agent sessions; returns the ids deleted. */
  delete(id: string): string[] {
    const children = (
      cachedStatement(this.db, `SELECT id FROM sessions WHERE parent_id = ?`).all(id) as { id: string }[]
    ).map((row) => row.id);
    return inTransaction(this.db, () => {
      const deleted = children.flatMap((child) => this.delete(child));
      for (const table of ["messages", "usage"])
        cachedStatement(this.db, `DELETE FROM ${table} WHERE session_id = ?`).run(id);
      const { changes } = cachedStatement(this.db, `DELETE FROM sessions WHERE id = ?`).run(id);
      return changes ? [...deleted, id] : deleted;
    });
  }

  messages(sessionId: string): StoredMessage[] {
    const rows = cachedStatement(
      this.db,
      `SELECT seq, kind, content, summarizes, created_at FROM messages WHERE session_id = ? ORDER BY seq`,
    ).all(sessionId) as {
      seq: number;
      kind: MessageKind;
      content: string;
      summarizes: number | null;
      created_at: number;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      message: JSON.parse(r.content) as ModelMessage,
      createdAt: r.created_at,
      ...(r.summarizes !== null ? { summarizes: r.summarizes } : {}),
    }));
  }

  /** Stores the message redacted of secrets and returns what was stored (what the run keeps in its history). */
  append(sessionId: string, original: ModelMessage, kind: MessageKind = "message", summarizes?: number): StoredMessage {
    const message = redactStrings(original);
    const now = Date.now();
    const insert = () => {
      const { next } = cachedStatement(
        this.db,
        `SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM messages WHERE session_id = ?`,
      ).get(sessionId) as { next: number };
      cachedStatement(this.db, INSERT_MESSAGE).run(
        sessionId,
        next,
        kind,
        message.role,
        JSON.stringify(message),
        summarizes ?? null,
        now,
      );
      cachedStatement(this.db, `UPDATE sessions SET updated_at = ? WHERE id = ?`).run(now, sessionId);
      return next;
    };
    // IMMEDIATE: it reads then writes; a deferred one fails at once with SQLITE_BUSY when another
    // process (serve, a worker, the TUI) wrote in between, instead of waiting its turn.
    return {
      seq: this.inBatch() ? insert() : inTransaction(this.db, insert, "immediate"),
      kind,
      message,
      createdAt: now,
      ...(summarizes !== undefined ? { summarizes } : {}),
    };
  }

  /**
   * Makes the local copy of a session exactly `info` with `messages` (the shared database's, with
   * `[storage] url`): one transaction, so a turn never starts on half of another replica's conversation.
   */
  adopt(info: SessionInfo, messages: StoredMessage[]): void {
    inTransaction(this.db, () => {
      cachedStatement(
        this.db,
        `INSERT INTO sessions (id, title, directory, model, agent, parent_id, created_at, updated_at, input_tokens, output_tokens, cost)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, model = excluded.model, agent = excluded.agent,
           updated_at = excluded.updated_at, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost`,
      ).run(
        info.id,
        info.title,
        info.directory,
        info.model,
        info.agent,
        info.parentId,
        info.createdAt,
        info.updatedAt,
        info.inputTokens,
        info.outputTokens,
        info.cost,
      );
      cachedStatement(this.db, `DELETE FROM messages WHERE session_id = ?`).run(info.id);
      const insert = cachedStatement(this.db, INSERT_MESSAGE);
      for (const m of messages)
        insert.run(
          info.id,
          m.seq,
          m.kind,
          m.message.role,
          JSON.stringify(m.message),
          m.summarizes ?? null,
          m.createdAt,
        );
    });
  }

  recordUsage(
    sessionId: string,
    step: number,
    model: string,
    inputTokens: number,
    outputTokens: number,
    cost?: number,
  ): void {
    const record = () => {
      cachedStatement(
        this.db,
        `INSERT INTO usage (session_id, step, model, input_tokens, output_tokens, cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(sessionId, step, model, inputTokens, outputTokens, cost ?? null, Date.now());
      cachedStatement(
        this.db,
        `UPDATE sessions SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, cost = cost + ? WHERE id = ?`,
      ).run(inputTokens, outputTokens, cost ?? 0, sessionId);
    };
    if (this.inBatch()) record();
    else inTransaction(this.db, record);
  }

  /**
   * Runs `work` (appends, usage, a title) in one transaction: a task's writes that come together commit
   * once instead of each on its own. IMMEDIATE, as `append` is, since the work reads then writes. A part
   * that throws fails the whole batch (its parts take no savepoint of their own).
   */
  batch<T>(work: () => T): T {
    return inTransaction(
      this.db,
      () => {
        this.batching++;
        try {
          return work();
        } finally {
          this.batching--;
        }
      },
      "immediate",
    );
  }

  /** Inside a batch a write is part of the batch's transaction, not a savepoint of its own in it. */
  private inBatch(): boolean {
    return this.batching > 0;
  }

  setTitle(sessionId: string, title: string): void {
    cachedStatement(this.db, `UPDATE sessions SET title = ? WHERE id = ?`).run(title, sessionId);
  }
}

/**
 * `ses_`, the time (ms, 12 hex digits), then 48 random bits: sessions made later sort later, so a new session's
 * rows go to the end of every b-tree keyed by its id (sessions, messages, the log indexes) instead of to a random
 * page that each commit then rewrites (a third of the log indexes' cost per task with random ids).
 */
function newSessionId(now: number): string {
  return `ses_${now.toString(16).padStart(12, "0")}${randomUUID().slice(24)}`;
}

function toInfo(row: SessionRow): SessionInfo {
  return {
    id: row.id,
    title: row.title,
    directory: row.directory,
    model: row.model,
    agent: row.agent,
    parentId: row.parent_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cost: row.cost,
    messageCount: row.message_count,
  };
}
