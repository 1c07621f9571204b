import { TaskState, type ListTasksRequest, type ListTasksResponse, type Task } from "@a2a-js/sdk";
import type { Statement } from "better-sqlite3";
import { cachedStatement, openDatabase, type Database } from "../storage/database.ts";
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
 * The A2A task store in SQLite (`a2a_tasks`, body as ProtoJSON). Saves are group-committed: the saves
 * of one event-loop turn (every running task's updates) are written in one transaction, and each
 * `save` resolves only once that commit is fsynced (WalSync, off the event loop, shared by the
 * commits made while a sync runs), so nothing is acknowledged before it is durable. One bearer token
 * means one owner, so tasks are not scoped per user.
 */
export class SqliteTaskStore implements DurableTaskStore {
  private readonly db: Database;
  private readonly walSync: WalSync;
  private readonly upsert: Statement;
  private readonly select: Statement;
  private pending = new Map<string, TaskRow>();
  /**
   * The stored bodies of the unfinished tasks: the SDK loads a task at each of its events, and this
   * process is the only writer of its data dir, so those loads need not read the table.
   */
  private readonly unfinished = new Map<string, string>();
  private commit: Promise<void> | undefined;

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
    // Serialized now: the caller may change the object after this returns.
    this.pending.set(task.id, rowOf(task));
    this.commit ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        this.commit = undefined;
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
    const body =
      this.pending.get(taskId)?.body ??
      this.unfinished.get(taskId) ??
      (this.select.get(taskId) as { body: string } | undefined)?.body;
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
    const rows = cachedStatement(
      this.db,
      `SELECT body FROM a2a_tasks WHERE state IN (${UNFINISHED.join(",")})`,
    ).all() as Array<{ body: string }>;
    const tasks = rows.map((row) => taskOf(row.body));
    this.writeAll(tasks.map((task) => rowOf(endTask(task, TaskState.TASK_STATE_FAILED, interruptedText(task)))));
    await this.walSync.durable();
    return tasks;
  }

  async endUnfinished(taskIds: string[], state: TaskState, text: string): Promise<Task[]> {
    const tasks = (await Promise.all(taskIds.map((id) => this.load(id)))).filter(
      (task): task is Task => task !== undefined && isUnfinished(task.status?.state),
    );
    this.flush();
    this.writeAll(tasks.map((task) => rowOf(endTask(task, state, text))));
    await this.walSync.durable();
    return tasks;
  }

  /** Waits (up to `timeoutMs`) until the SDK has stored a terminal state for each of the tasks. */
  async settled(taskIds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = () =>
      taskIds.filter((id) => {
        const row =
          this.pending.get(id) ??
          (cachedStatement(this.db, "SELECT state FROM a2a_tasks WHERE id = ?").get(id) as
            { state: number } | undefined);
        return row !== undefined && isUnfinished(row.state);
      });
    while (pending().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** The process's one connection is shared with other stores: only this store's saves are awaited. */
  async close(): Promise<void> {
    await this.commit?.catch(() => undefined);
  }

  /** Writes every pending save in one transaction; if it fails they stay pending and the error propagates. */
  private flush(): void {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.writeAll(rows);
    for (const row of rows) if (this.pending.get(row.id) === row) this.pending.delete(row.id);
  }

  /** Upserts the rows in one transaction; once it has committed, the unfinished ones' bodies are kept. */
  private writeAll(rows: TaskRow[]): void {
    const now = Date.now();
    this.db.transaction(() => {
      for (const row of rows) this.upsert.run(row.id, row.contextId, row.state, row.time, row.body, now);
    })();
    for (const row of rows) {
      if (isUnfinished(row.state)) this.unfinished.set(row.id, row.body);
      else this.unfinished.delete(row.id);
    }
  }
}
