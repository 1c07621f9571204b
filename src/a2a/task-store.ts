import { withoutProgress } from "./messages.ts";
import { TaskState, type ListTasksRequest, type ListTasksResponse, type Task } from "@a2a-js/sdk";
import type { Statement } from "better-sqlite3";
import { cachedStatement, inTransaction, openDatabase, type Database } from "../storage/database.ts";
import { WalSync } from "../storage/wal-sync.ts";
import type { DurableTaskStore } from "./durable-task-store.ts";
import {
  DEFAULT_PAGE_SIZE,
  UNFINISHED,
  decodeCursor,
  encodeCursor,
  endTask,
  interruptedText,
  isUnfinished,
  listedTask,
  rowOf,
  taskOf,
  type TaskRow,
} from "./task-rows.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS a2a_tasks (
  id TEXT PRIMARY KEY, context_id TEXT NOT NULL, state INTEGER NOT NULL, status_time TEXT NOT NULL,
  body TEXT NOT NULL, updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS a2a_tasks_by_time ON a2a_tasks(status_time, id);
CREATE INDEX IF NOT EXISTS a2a_tasks_by_context ON a2a_tasks(context_id, status_time);`;

/**
 * How long a `working` snapshot may wait unwritten. A streaming task saves one per progress update, and
 * the SDK writes the update to the client only once the save resolves: written behind, the updates of
 * this long cost one row write (not one each) and none waits for an fsync. A crash loses at most this
 * much progress of tasks that are failed at the next start anyway (failInterrupted).
 */
export const WRITE_BEHIND_MS = 1000;

/**
 * The A2A task store in SQLite (`a2a_tasks`, body as ProtoJSON). Saves are group-committed: the saves
 * of one event-loop turn (every running task's updates) are written in one transaction, and `save`
 * resolves only once that commit is fsynced (WalSync, off the event loop, shared by the commits made
 * while a sync runs), so nothing is acknowledged before it is durable. The exception is a `working`
 * snapshot (progress, not an acknowledgement): it resolves at once and is written within
 * WRITE_BEHIND_MS, with the next durable commit, or at close. One bearer token means one owner, so
 * tasks are not scoped per user.
 *
 * The SDK loads and saves a task on every event it publishes. The latest snapshot of each unfinished task
 * is kept as an object (see snapshotOf), serialized only when its row is written: a task streaming its
 * progress is not encoded and decoded whole, growing history and all, on every update.
 */
export class SqliteTaskStore implements DurableTaskStore {
  private readonly db: Database;
  private readonly walSync: WalSync;
  private readonly upsert: Statement;
  private readonly select: Statement;
  /** The latest snapshot of each task saved here, until it is written finished. */
  private readonly live = new Map<string, Task>();
  /** The tasks whose latest snapshot is not written yet. */
  private readonly dirty = new Set<string>();
  private commit: Promise<void> | undefined;
  private writeBehind: NodeJS.Timeout | undefined;

  constructor(dataDir: string) {
    this.db = openDatabase(dataDir);
    this.walSync = new WalSync(this.db);
    this.db.exec(SCHEMA);
    this.upsert = cachedStatement(
      this.db,
      `INSERT INTO a2a_tasks (id, context_id, state, status_time, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET context_id = excluded.context_id, state = excluded.state, status_time = excluded.status_time,
       body = excluded.body, updated_at = excluded.updated_at`,
    );
    this.select = cachedStatement(this.db, "SELECT body FROM a2a_tasks WHERE id = ?");
  }

  save(task: Task): Promise<void> {
    this.live.set(task.id, snapshotOf(withoutProgress(task)));
    this.dirty.add(task.id);
    if (task.status?.state !== TaskState.TASK_STATE_WORKING) return this.commitSoon();
    // A failed write stays pending: the next durable commit writes it again and reports the error.
    this.writeBehind ??= setTimeout(() => void this.commitSoon().catch(() => undefined), WRITE_BEHIND_MS).unref();
    return Promise.resolve();
  }

  /** Writes everything pending in one transaction after this event-loop turn; resolves once it is fsynced. */
  private commitSoon(): Promise<void> {
    this.commit ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.commit = undefined;
        clearTimeout(this.writeBehind);
        this.writeBehind = undefined;
        try {
          this.flush();
        } catch (error) {
          reject(error);
          return;
        }
        this.walSync.durable().then(resolve, reject);
      }),
    );
    return this.commit;
  }

  async load(taskId: string): Promise<Task | undefined> {
    const snapshot = this.live.get(taskId);
    if (snapshot) return snapshotOf(snapshot);
    const body = (this.select.get(taskId) as { body: string } | undefined)?.body;
    return body ? taskOf(body) : undefined;
  }

  /** Newest status first; `pageToken` is an opaque keyset cursor, so pages stay stable under inserts. */
  async list(params: ListTasksRequest): Promise<ListTasksResponse> {
    this.flush();
    const filters: Array<[string, unknown]> = [];
    if (params.contextId) filters.push(["context_id = ?", params.contextId]);
    if (params.status) filters.push(["state = ?", params.status]);
    if (params.statusTimestampAfter)
      filters.push(["status_time > ?", new Date(params.statusTimestampAfter).toISOString()]);
    const where = (extra: string[] = []) => {
      const clauses = [...filters.map(([sql]) => sql), ...extra];
      return clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
    };
    const args = filters.map(([, value]) => value);
    const totalSize = (
      cachedStatement(this.db, `SELECT count(*) AS n FROM a2a_tasks ${where()}`).get(...args) as { n: number }
    ).n;

    const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
    const cursor = params.pageToken ? decodeCursor(params.pageToken) : undefined;
    const after = cursor ? ["(status_time < ? OR (status_time = ? AND id < ?))"] : [];
    const afterArgs = cursor ? [cursor.time, cursor.time, cursor.id] : [];
    const rows = cachedStatement(
      this.db,
      `SELECT id, status_time, body FROM a2a_tasks ${where(after)} ORDER BY status_time DESC, id DESC LIMIT ?`,
    ).all(...args, ...afterArgs, pageSize + 1) as Array<{ id: string; status_time: string; body: string }>;
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    const tasks = page.map((row) => listedTask(row.body, params));
    return {
      tasks,
      nextPageToken: rows.length > pageSize && last ? encodeCursor({ time: last.status_time, id: last.id }) : "",
      pageSize,
      totalSize,
    };
  }

  /**
   * After a crash or restart nothing is running any more: every task left unfinished is marked failed
   * with a status message that says why, so a client polling it learns the truth instead of waiting.
   */
  async failInterrupted(): Promise<Task[]> {
    this.flush();
    const rows = cachedStatement(
      this.db,
      `SELECT body FROM a2a_tasks WHERE state IN (${UNFINISHED.join(",")})`,
    ).all() as Array<{ body: string }>;
    const tasks = rows.map((row) => taskOf(row.body));
    inTransaction(this.db, () => {
      for (const task of tasks) this.write(rowOf(endTask(task, TaskState.TASK_STATE_FAILED, interruptedText(task))));
    });
    for (const task of tasks) this.live.delete(task.id);
    await this.walSync.durable();
    return tasks;
  }

  async endUnfinished(taskIds: string[], state: TaskState, text: string): Promise<Task[]> {
    const tasks = (await Promise.all(taskIds.map((id) => this.load(id)))).filter(
      (task): task is Task => task !== undefined && isUnfinished(task.status?.state),
    );
    this.flush();
    inTransaction(this.db, () => {
      for (const task of tasks) this.write(rowOf(endTask(task, state, text)));
    });
    for (const task of tasks) this.live.delete(task.id);
    await this.walSync.durable();
    return tasks;
  }

  /** Waits (up to `timeoutMs`) until the SDK has stored a terminal state for each of the tasks. */
  async settled(taskIds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () =>
      taskIds.filter((id) => {
        const state =
          this.live.get(id)?.status?.state ??
          (
            cachedStatement(this.db, "SELECT state FROM a2a_tasks WHERE id = ?").get(id) as
              { state: number } | undefined
          )?.state;
        return state !== undefined && isUnfinished(state);
      });
    while (pending().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** The process's one connection is shared with other stores: only this store's saves are awaited. */
  async close(): Promise<void> {
    // Snapshots written behind (or whose write failed) are written now.
    if (this.dirty.size > 0) void this.commitSoon();
    await this.commit?.catch(() => undefined);
  }

  /** Writes every pending save in one transaction; if it fails they stay pending and the error propagates. */
  private flush(): void {
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].map((id) => rowOf(this.live.get(id)!));
    inTransaction(this.db, () => rows.forEach((row) => this.write(row)));
    this.dirty.clear();
    for (const row of rows) if (!isUnfinished(row.state)) this.live.delete(row.id);
  }

  private write(row: TaskRow): void {
    this.upsert.run(row.id, row.contextId, row.state, row.time, row.body, Date.now());
  }
}

/**
 * A copy of the task that shares its messages, parts and status objects: the SDK (and this process) change a
 * loaded or saved task only by replacing its fields or adding to its history and artifact lists, never by
 * editing a message or part in place, so copying the task and its lists is enough to keep the store's
 * snapshot from the caller's later changes, at a fraction of the cost of a deep copy or a round trip through JSON.
 */
function snapshotOf(task: Task): Task {
  return {
    ...task,
    history: [...(task.history ?? [])],
    artifacts: (task.artifacts ?? []).map((artifact) => ({ ...artifact })),
  };
}
