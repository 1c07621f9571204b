import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { StoredMessage } from "../contracts/agent-events.ts";
import { inTransaction } from "../postgres/transaction.ts";
import type { SessionInfo, SessionStore } from "../session/store.ts";
import type { WorkerSession } from "./context-sessions.ts";
import type { ContextTurn, SharedConversations } from "./shared-conversations.ts";

interface Checkout {
  sessionId: string;
  /** The stored version the turn starts from; a commit must find it unchanged. */
  version: string;
  lastSeq: number;
}

interface MessageRow {
  seq: number;
  kind: StoredMessage["kind"];
  content: string;
  summarizes: number | null;
  created_at: string;
}

/**
 * A2A contexts and their sessions in PostgreSQL (migration 5; 7 for contexts on workers): `a2a_contexts` maps a context to its
 * session, `a2a_sessions` holds the session's row (and a version that changes with every committed
 * turn), `a2a_session_messages` its messages, append-only like the local store's. A turn's commit is
 * optimistic: it only lands on the version its checkout saw, so two replicas running turns of one
 * context at once never interleave their messages (the later one fails, truthfully).
 */
export class PostgresConversations implements SharedConversations {
  /**
   * The version of each session this process's local store holds: a later turn here skips the copy. Kept
   * for the `localLimit` sessions used last (clients open contexts without end; a forgotten one is copied again).
   */
  private readonly local = new Map<string, string>();

  constructor(
    private readonly pool: Pool,
    private readonly store: SessionStore,
    private readonly localLimit = 10_000,
  ) {}

  async begin(contextId: string): Promise<ContextTurn> {
    const checkout = await this.checkout(contextId);
    return { sessionId: checkout?.sessionId, commit: (sessionId) => this.commit(contextId, sessionId, checkout) };
  }

  async onWorker(contextId: string): Promise<WorkerSession | undefined> {
    const { rows } = await this.pool.query<WorkerSession>(
      "SELECT worker_id, session_id FROM a2a_worker_contexts WHERE context_id = $1",
      [contextId],
    );
    return rows[0];
  }

  async setOnWorker(contextId: string, { worker_id, session_id }: WorkerSession): Promise<void> {
    await this.pool.query(
      `INSERT INTO a2a_worker_contexts (context_id, worker_id, session_id, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (context_id) DO UPDATE SET worker_id = excluded.worker_id, session_id = excluded.session_id,
         updated_at = excluded.updated_at`,
      [contextId, worker_id, session_id, Date.now()],
    );
  }

  private async checkout(contextId: string): Promise<Checkout | undefined> {
    const { rows } = await this.pool.query<{ id: string; info: string; version: string; last_seq: number }>(
      `SELECT s.id, s.info, s.version, s.last_seq FROM a2a_contexts c JOIN a2a_sessions s ON s.id = c.session_id
       WHERE c.context_id = $1`,
      [contextId],
    );
    const stored = rows[0];
    if (!stored) return undefined;
    const checkout = { sessionId: stored.id, version: stored.version, lastSeq: stored.last_seq };
    if (this.local.get(stored.id) === stored.version && this.store.get(stored.id)) {
      this.remember(stored.id, stored.version);
      return checkout;
    }
    const { rows: messages } = await this.pool.query<MessageRow>(
      `SELECT seq, kind, content, summarizes, created_at FROM a2a_session_messages
       WHERE session_id = $1 AND seq <= $2 ORDER BY seq`,
      [stored.id, stored.last_seq],
    );
    this.store.adopt(JSON.parse(stored.info) as SessionInfo, messages.map(storedMessage));
    this.remember(stored.id, stored.version);
    return checkout;
  }

  private async commit(contextId: string, sessionId: string, checkout: Checkout | undefined): Promise<void> {
    const info = this.store.get(sessionId);
    if (!info) return;
    const from = checkout?.sessionId === sessionId ? checkout : undefined;
    const added = this.store.messages(sessionId).filter((m) => m.seq > (from?.lastSeq ?? 0));
    const lastSeq = added.at(-1)?.seq ?? from?.lastSeq ?? 0;
    const version = randomUUID();
    const conflict = () =>
      new Error(`context ${contextId} took a turn on another replica meanwhile: this turn is not kept`);
    // On failure the local copy may hold what was not kept: the next turn copies the stored one again.
    this.local.delete(sessionId);
    await inTransaction(this.pool, async (client) => {
      const now = Date.now();
      const session = from
        ? await client.query(
            "UPDATE a2a_sessions SET info = $2, version = $3, last_seq = $4, updated_at = $5 WHERE id = $1 AND version = $6",
            [sessionId, JSON.stringify(info), version, lastSeq, now, from.version],
          )
        : await client.query(
            `INSERT INTO a2a_sessions (id, info, version, last_seq, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO NOTHING`,
            [sessionId, JSON.stringify(info), version, lastSeq, now],
          );
      if (session.rowCount !== 1) throw conflict();
      // A context first mapped by another replica (to its own new session) stays that replica's.
      const mapped = await client.query(
        `INSERT INTO a2a_contexts (context_id, session_id, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (context_id) DO UPDATE SET updated_at = excluded.updated_at
           WHERE a2a_contexts.session_id = excluded.session_id`,
        [contextId, sessionId, now],
      );
      if (mapped.rowCount !== 1) throw conflict();
      if (added.length === 0) return;
      await client.query(
        `INSERT INTO a2a_session_messages (session_id, seq, kind, content, summarizes, created_at)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[])`,
        [
          sessionId,
          added.map((m) => m.seq),
          added.map((m) => m.kind),
          added.map((m) => JSON.stringify(m.message)),
          added.map((m) => m.summarizes ?? null),
          added.map((m) => m.createdAt),
        ],
      );
    });
    this.remember(sessionId, version);
  }

  private remember(sessionId: string, version: string): void {
    // Re-inserted, so the Map's order is the order of use: the first key is the one used longest ago.
    this.local.delete(sessionId);
    this.local.set(sessionId, version);
    if (this.local.size > this.localLimit) this.local.delete(this.local.keys().next().value!);
  }
}

function storedMessage(row: MessageRow): StoredMessage {
  return {
    seq: row.seq,
    kind: row.kind,
    message: JSON.parse(row.content) as StoredMessage["message"],
    createdAt: Number(row.created_at),
    ...(row.summarizes !== null ? { summarizes: row.summarizes } : {}),
  };
}
