import type { WorkerSession } from "./context-sessions.ts";

/**
 * With `[storage] url`, an A2A context's conversation outlives the replica that ran its last turn: the
 * context's session is checked out of the shared database into this process's session store before a
 * turn, and the turn's messages are committed back before the task reports its end. Without a database
 * there is nothing to share: the data dir's session store is the conversation.
 */
export interface SharedConversations {
  /** Call with the context's turn taken (no other turn of it runs in this process). */
  begin(contextId: string): Promise<ContextTurn>;
  /** The worker session a context continues, when its turns ran on a worker (whichever replica sent them). */
  onWorker(contextId: string): Promise<WorkerSession | undefined>;
  setOnWorker(contextId: string, session: WorkerSession): Promise<void>;
}

export interface ContextTurn {
  /** The session the context continues, now also in the local session store; undefined for a new context. */
  sessionId: string | undefined;
  /**
   * After the turn ran in `sessionId`: its new messages, the session's totals and the context's mapping,
   * committed. Throws when another replica committed a turn of the context meanwhile (this one is not kept).
   */
  commit(sessionId: string): Promise<void>;
}
