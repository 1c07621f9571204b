import { withoutProgress } from "./messages.ts";
import { TaskState, type ListTasksRequest, type ListTasksResponse, type Task } from "@a2a-js/sdk";
import type { Pool } from "pg";
import { ReplicaLease } from "../postgres/replica-lease.ts";
import { inTransaction } from "../postgres/transaction.ts";
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

/**
 * One statement upserts a whole batch: the rows arrive as parallel arrays. A task another replica ended
 * stays as it ended: this replica's lease lapsed meanwhile (a stall, not a death), so its late saves of
 * that task are dropped — the SDK reloads the task before each status update and answers the ended one.
 */
const UPSERT = `
  INSERT INTO a2a_tasks (id, context_id, state, status_time, body, updated_at, replica_id)
  SELECT *, $7 FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[])
  ON CONFLICT (id) DO UPDATE SET context_id = excluded.context_id, state = excluded.state,
    status_time = excluded.status_time, body = excluded.body, updated_at = excluded.updated_at,
    replica_id = excluded.replica_id
  WHERE a2a_tasks.state IN (${UNFINISHED.join(", ")}) OR a2a_tasks.replica_id = excluded.replica_id`;

/**
 * The A2A task store in PostgreSQL (the `a2a_tasks` table of migration 1, body as ProtoJSON), for
 * serve with `[storage] url`. Saves are group-committed like SQLite's: the saves of one event-loop
 * turn are written by one statement, and each `save` resolves once that commit returns — with
 * PostgreSQL's default `synchronous_commit`, once it is durable. Batches commit one after another,
 * so a task's later state never lands before an earlier one; until then `load` answers from memory.
 *
 * Replicas share the table: each row names the replica that saved it last (the one running it), and a
 * task counts as interrupted only once that replica's lease has lapsed — not when another one starts.
 */
export class PostgresTaskStore implements DurableTaskStore {
  /** Saved, not yet handed to a batch. */
  private pending = new Map<string, TaskRow>();
  /** The batch being committed. */
  private writing = new Map<string, TaskRow>();
  private commit: Promise<void> | undefined;
  private lastCommit: Promise<void> = Promise.resolve();

  /** Other replicas may die at any time: their tasks are looked for this often, not only at start. */
  readonly recoveryIntervalMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly lease: ReplicaLease,
    leaseTtlMs: number,
  ) {
    this.recoveryIntervalMs = leaseTtlMs / 2;
  }

  save(task: Task): Promise<void> {
    this.pending.set(task.id, rowOf(withoutProgress(task)));
    return this.scheduleCommit();
  }

  /** This replica's id in the shared table: the owner of the tasks it runs. */
  get replicaId(): string {
    return this.lease.id;
  }

  /** The other replica running the unfinished task (the last to save it), if that is not this one. */
  async ownerElsewhere(taskId: string): Promise<string | undefined> {
    const unsaved = this.pending.get(taskId) ?? this.writing.get(taskId);
    if (unsaved) return undefined;
    const { rows } = await this.pool.query<{ replica_id: string | null; state: number }>(
      "SELECT replica_id, state FROM a2a_tasks WHERE id = $1",
      [taskId],
    );
    const row = rows[0];
    return row?.replica_id && row.replica_id !== this.lease.id && isUnfinished(row.state) ? row.replica_id : undefined;
  }

  async load(taskId: string): Promise<Task | undefined> {
    const unsaved = this.pending.get(taskId) ?? this.writing.get(taskId);
    if (unsaved) return taskOf(unsaved.body);
    const { rows } = await this.pool.query<{ body: string }>("SELECT body FROM a2a_tasks WHERE id = $1", [taskId]);
    return rows[0] ? taskOf(rows[0].body) : undefined;
  }

  /** Newest status first; `pageToken` is an opaque keyset cursor, so pages stay stable under inserts. */
  async list(params: ListTasksRequest): Promise<ListTasksResponse> {
    await this.flushed();
    const clauses: string[] = [];
    const args: unknown[] = [];
    const where = (extra: string[]) =>
      clauses.length + extra.length ? `WHERE ${[...clauses, ...extra].join(" AND ")}` : "";
    const param = (value: unknown) => `$${args.push(value)}`;
    if (params.contextId) clauses.push(`context_id = ${param(params.contextId)}`);
    if (params.status) clauses.push(`state = ${param(params.status)}`);
    if (params.statusTimestampAfter)
      clauses.push(`status_time > ${param(new Date(params.statusTimestampAfter).toISOString())}`);
    const filterArgs = [...args];
    const { rows: counted } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM a2a_tasks ${where([])}`,
      filterArgs,
    );

    const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
    const cursor = params.pageToken ? decodeCursor(params.pageToken) : undefined;
    const after = cursor ? [`(status_time, id) < (${param(cursor.time)}, ${param(cursor.id)})`] : [];
    const { rows } = await this.pool.query<{ id: string; status_time: string; body: string }>(
      `SELECT id, status_time, body FROM a2a_tasks ${where(after)} ORDER BY status_time DESC, id DESC LIMIT ${param(pageSize + 1)}`,
      args,
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      tasks: page.map((row) => listedTask(row.body, params)),
      nextPageToken: rows.length > pageSize && last ? encodeCursor({ time: last.status_time, id: last.id }) : "",
      pageSize,
      totalSize: Number(counted[0]!.n),
    };
  }

  /**
   * Fails the unfinished tasks of replicas whose lease lapsed; replicas sweeping at once skip each other's
   * rows. Never this replica's own: it is running them, even if a stall let its own lease lapse.
   */
  async failInterrupted(): Promise<Task[]> {
    const failed = await this.endWhere(
      `state = ANY($1::int[]) AND replica_id IS DISTINCT FROM $2 AND ${ReplicaLease.lapsed("a2a_tasks.replica_id")} FOR UPDATE SKIP LOCKED`,
      [UNFINISHED, this.lease.id],
      TaskState.TASK_STATE_FAILED,
      interruptedText,
    );
    await ReplicaLease.forgetLapsed(this.pool);
    return failed;
  }

  async endUnfinished(taskIds: string[], state: TaskState, text: string): Promise<Task[]> {
    if (taskIds.length === 0) return [];
    await this.flushed();
    // Only while this replica still runs them: another one may have taken a task over (e.g. it got the answer).
    return this.endWhere(
      `id = ANY($1::text[]) AND state = ANY($2::int[]) AND replica_id = $3 FOR UPDATE`,
      [taskIds, UNFINISHED, this.lease.id],
      state,
      () => text,
    );
  }

  async settled(taskIds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const unsettled = async () => {
      const stored = new Map<string, number>();
      const { rows } = await this.pool.query<{ id: string; state: number }>(
        "SELECT id, state FROM a2a_tasks WHERE id = ANY($1::text[])",
        [taskIds],
      );
      for (const row of rows) stored.set(row.id, row.state);
      return taskIds.some((id) => {
        const state = (this.pending.get(id) ?? this.writing.get(id))?.state ?? stored.get(id);
        return state !== undefined && isUnfinished(state);
      });
    };
    while ((await unsettled()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** After serve ended its own tasks: waits for their saves (the shared database is closed by serve). */
  async close(): Promise<void> {
    await this.flushed().catch(() => undefined);
  }

  /** Ends the tasks matching `where` (which locks their rows against concurrent saves) in one transaction. */
  private async endWhere(
    where: string,
    args: unknown[],
    state: TaskState,
    text: (task: Task) => string,
  ): Promise<Task[]> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ body: string }>(`SELECT body FROM a2a_tasks WHERE ${where}`, args);
      const tasks = rows.map((row) => taskOf(row.body));
      const ended = tasks.map((task) => rowOf(endTask(task, state, text(task))));
      if (ended.length > 0) await client.query(UPSERT, this.columnsOf(ended));
      return tasks;
    });
  }

  /** Resolves once every save made before the call is committed. */
  private async flushed(): Promise<void> {
    if (this.pending.size > 0) await this.scheduleCommit();
    else await this.lastCommit;
  }

  private scheduleCommit(): Promise<void> {
    this.commit ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.commit = undefined;
      // After the previous batch, whatever its outcome: its failure was reported to its own savers.
      const run = this.lastCommit.catch(() => undefined).then(() => this.writeBatch());
      this.lastCommit = run;
      return run;
    });
    return this.commit;
  }

  private async writeBatch(): Promise<void> {
    this.writing = this.pending;
    this.pending = new Map();
    try {
      await this.pool.query(UPSERT, this.columnsOf([...this.writing.values()]));
    } catch (error) {
      // Kept for the next save's batch unless a newer state of the task arrived meanwhile.
      for (const [id, row] of this.writing) if (!this.pending.has(id)) this.pending.set(id, row);
      throw error;
    } finally {
      this.writing = new Map();
    }
  }

  private columnsOf(rows: TaskRow[]): unknown[] {
    const now = Date.now();
    return [
      rows.map((row) => row.id),
      rows.map((row) => row.contextId),
      rows.map((row) => row.state),
      rows.map((row) => row.time),
      rows.map((row) => row.body),
      rows.map(() => now),
      this.lease.id,
    ];
  }
}
