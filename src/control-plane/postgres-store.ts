import { randomUUID } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import type { AgentEvent } from "../contracts/agent-events.ts";
import { inTransaction } from "../postgres/transaction.ts";
import { taskOf, unpinnedInput, updateColumns, workerColumns, workerOf, type TaskRow, type WorkerRow } from "./rows.ts";
import type { ControlPlaneStore, LapsedWorker, TaskChange, TaskDecision, TaskUpdate } from "./store.ts";
import type {
  HeartbeatReport,
  TaskInput,
  TaskOffer,
  TaskRecord,
  TaskStatus,
  WorkerRecord,
  WorkerRegistration,
} from "./types.ts";

/**
 * Key of the transaction-level advisory lock held while an offer is logged: offers then commit in the
 * order of their sequence numbers, so a stream that has read up to offer n can never miss one below n.
 */
const OFFER_LOCK = 0x43544f46; // "CTOF"

/**
 * The control plane's store in the shared PostgreSQL database (migration 3), for serve replicas: a
 * decision locks the task's row (`FOR UPDATE`) before it is taken, so of two replicas claiming one task
 * for two workers one wins and the other sees it running; a lapsed worker is locked with `SKIP LOCKED`,
 * so replicas sweeping at once release each of its tasks once. Times are the replicas' clocks (ms),
 * except a replica's liveness (its lease), which is the database's.
 */
export class PostgresControlPlaneStore implements ControlPlaneStore {
  #closed = false;

  constructor(
    private readonly pool: Pool,
    /** This replica's lease id: its open streams count while it lives; downtime is forgiven only when no other replica ran meanwhile. */
    private readonly replicaId: string,
  ) {}

  async upsertWorker(worker: WorkerRegistration, now: number): Promise<WorkerRecord> {
    const c = workerColumns(worker);
    const { rows } = await this.pool.query<WorkerRow>(
      `INSERT INTO cp_workers (id, name, hostname, capabilities, workspaces, max_concurrent_tasks, registered_at, last_seen, online)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, true)
       ON CONFLICT (id) DO UPDATE SET name = $2, hostname = $3, capabilities = $4, workspaces = $5,
         max_concurrent_tasks = $6, last_seen = $7, online = true
       RETURNING *`,
      [c.id, c.name, c.hostname, c.capabilities, c.workspaces, c.max, now],
    );
    return workerOf(rows[0]!);
  }

  async getWorker(id: string): Promise<WorkerRecord | undefined> {
    const { rows } = await this.pool.query<WorkerRow>("SELECT * FROM cp_workers WHERE id = $1", [id]);
    return rows[0] && workerOf(rows[0]);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    const { rows } = await this.pool.query<WorkerRow>("SELECT * FROM cp_workers ORDER BY registered_at, id");
    return rows.map(workerOf);
  }

  async touchWorker(id: string, now: number, heartbeat?: HeartbeatReport): Promise<void> {
    await touch(this.pool, id, now, heartbeat);
  }

  async countStream(workerId: string, delta: 1 | -1): Promise<void> {
    // Streams still open when serve stops close after the store: the replica's rows are gone by then.
    if (this.#closed) return;
    await this.pool.query(
      `INSERT INTO cp_worker_streams (worker_id, replica_id, streams) VALUES ($1, $2, $3)
       ON CONFLICT (worker_id, replica_id) DO UPDATE SET streams = cp_worker_streams.streams + $3`,
      [workerId, this.replicaId, delta],
    );
  }

  async streamingWorkers(): Promise<Set<string>> {
    // A dead replica's streams went with it: only replicas holding a current lease count.
    const { rows } = await this.pool.query<{ worker_id: string }>(
      `SELECT DISTINCT worker_id FROM cp_worker_streams s WHERE streams > 0
         AND EXISTS (SELECT 1 FROM codetether_replicas r WHERE r.id = s.replica_id AND r.lease_until > now())`,
    );
    return new Set(rows.map((row) => row.worker_id));
  }

  async forgiveDowntime(now: number): Promise<void> {
    await this.pool.query(
      `UPDATE cp_workers SET last_seen = $1 WHERE online
         AND NOT EXISTS (SELECT 1 FROM codetether_replicas WHERE id <> $2 AND lease_until > now())`,
      [now, this.replicaId],
    );
  }

  async createTask(input: TaskInput, now: number): Promise<TaskOffer> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<TaskRow>(
        "INSERT INTO cp_tasks (id, input, status, created_at, updated_at) VALUES ($1, $2, 'pending', $3, $3) RETURNING *",
        [randomUUID(), JSON.stringify(input), now],
      );
      return { seq: await addOffer(client, rows[0]!.id), task: taskOf(rows[0]!) };
    });
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.pool.query<TaskRow>("SELECT * FROM cp_tasks WHERE id = $1", [id]);
    return rows[0] && taskOf(rows[0]);
  }

  async listTasks(status?: TaskStatus, limit = 100): Promise<TaskRecord[]> {
    // LIMIT NULL is no limit, like SQLite's -1.
    const max = limit < 0 ? null : limit;
    const { rows } = status
      ? await this.pool.query<TaskRow>(
          "SELECT * FROM cp_tasks WHERE status = $1 ORDER BY created_at DESC, id LIMIT $2",
          [status, max],
        )
      : await this.pool.query<TaskRow>("SELECT * FROM cp_tasks ORDER BY created_at DESC, id LIMIT $1", [max]);
    return rows.map(taskOf);
  }

  async cancelRequested(workerId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM cp_tasks WHERE worker_id = $1 AND status = 'running' AND cancel_requested",
      [workerId],
    );
    return rows.map((row) => row.id);
  }

  async changeTask(
    taskId: string,
    now: number,
    decide: (task: TaskRecord | undefined) => TaskDecision,
  ): Promise<TaskChange> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<TaskRow>("SELECT * FROM cp_tasks WHERE id = $1 FOR UPDATE", [taskId]);
      const task = rows[0] && taskOf(rows[0]);
      const decision = decide(task);
      return apply(client, task!, decision, now);
    });
  }

  async releaseLapsed(
    cutoff: number,
    now: number,
    decide: (task: TaskRecord, worker: WorkerRecord) => TaskDecision,
  ): Promise<LapsedWorker[]> {
    const { rows: candidates } = await this.pool.query<{ id: string }>(
      `SELECT id FROM cp_workers WHERE last_seen < $1
         AND (online OR id IN (SELECT worker_id FROM cp_tasks WHERE status = 'running'))`,
      [cutoff],
    );
    const released: LapsedWorker[] = [];
    for (const { id } of candidates) {
      const lapsed = await inTransaction(this.pool, (client) => this.#releaseWorker(client, id, cutoff, now, decide));
      if (lapsed) released.push(lapsed);
    }
    return released;
  }

  async pendingOffers(afterSeq: number): Promise<TaskOffer[]> {
    const { rows } = await this.pool.query<TaskRow & { seq: string }>(
      `SELECT o.seq AS seq, t.* FROM cp_offers o JOIN cp_tasks t ON t.id = o.task_id
       WHERE o.seq > $1 AND t.status = 'pending' AND o.seq = (SELECT MAX(seq) FROM cp_offers WHERE task_id = o.task_id)
       ORDER BY o.seq`,
      [afterSeq],
    );
    return rows.map((row) => ({ seq: Number(row.seq), task: taskOf(row) }));
  }

  async addOutput(taskId: string, runId: string, batch: number, events: AgentEvent[]): Promise<boolean> {
    const result = await this.pool.query(
      "INSERT INTO cp_output (task_id, run_id, batch, events) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      [taskId, runId, batch, JSON.stringify(events)],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async outputBatch(taskId: string, runId: string, batch: number): Promise<AgentEvent[] | undefined> {
    const { rows } = await this.pool.query<{ events: string }>(
      "SELECT events FROM cp_output WHERE task_id = $1 AND run_id = $2 AND batch = $3",
      [taskId, runId, batch],
    );
    return rows[0] && (JSON.parse(rows[0].events) as AgentEvent[]);
  }

  async output(taskId: string): Promise<AgentEvent[]> {
    const { rows } = await this.pool.query<{ events: string }>(
      "SELECT events FROM cp_output WHERE task_id = $1 ORDER BY id",
      [taskId],
    );
    return rows.flatMap((row) => JSON.parse(row.events) as AgentEvent[]);
  }

  /** This replica's streams are closed with it (the pool is serve's, ended after every store). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.pool.query("DELETE FROM cp_worker_streams WHERE replica_id = $1", [this.replicaId]);
  }

  /**
   * Tasks first, then the worker, the order a claim locks them in (no deadlock with a claim touching the
   * worker). The worker is skipped when another replica holds it, or when it came back meanwhile.
   */
  async #releaseWorker(
    client: PoolClient,
    workerId: string,
    cutoff: number,
    now: number,
    decide: (task: TaskRecord, worker: WorkerRecord) => TaskDecision,
  ): Promise<LapsedWorker | undefined> {
    const { rows: tasks } = await client.query<TaskRow>(
      `SELECT * FROM cp_tasks WHERE (worker_id = $1 AND status = 'running')
         OR (status = 'pending' AND (input::jsonb) ->> 'pinned_worker' = $1)
       ORDER BY id FOR UPDATE`,
      [workerId],
    );
    const { rows: workers } = await client.query<WorkerRow>(
      "SELECT * FROM cp_workers WHERE id = $1 AND last_seen < $2 FOR UPDATE SKIP LOCKED",
      [workerId, cutoff],
    );
    if (!workers[0]) return undefined;
    const worker = workerOf(workers[0]);
    await client.query("UPDATE cp_workers SET online = false WHERE id = $1", [workerId]);
    const changes: TaskChange[] = [];
    for (const task of tasks.map(taskOf)) changes.push(await apply(client, task, decide(task, worker), now));
    return { worker, changes };
  }
}

async function touch(db: Pool | PoolClient, id: string, now: number, heartbeat?: HeartbeatReport): Promise<void> {
  await db.query(
    "UPDATE cp_workers SET last_seen = $1, online = true, heartbeat = COALESCE($2, heartbeat) WHERE id = $3",
    [now, heartbeat ? JSON.stringify(heartbeat) : null, id],
  );
}

async function addOffer(client: PoolClient, taskId: string): Promise<number> {
  await client.query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", [OFFER_LOCK]);
  const { rows } = await client.query<{ seq: string }>("INSERT INTO cp_offers (task_id) VALUES ($1) RETURNING seq", [
    taskId,
  ]);
  return Number(rows[0]!.seq);
}

async function apply(client: PoolClient, task: TaskRecord, decision: TaskDecision, now: number): Promise<TaskChange> {
  if (decision.type === "keep") return { task, changed: false };
  if (decision.type === "update") {
    if (decision.touchWorker) await touch(client, decision.touchWorker, now);
    return { task: await update(client, task.id, decision.update, now), changed: true };
  }
  const { rows } = await client.query<{ input: string }>("SELECT input FROM cp_tasks WHERE id = $1", [task.id]);
  const unpinned = unpinnedInput(rows[0]!.input);
  if (unpinned) await client.query("UPDATE cp_tasks SET input = $1 WHERE id = $2", [unpinned, task.id]);
  const requeued = await update(client, task.id, { status: "pending", worker_id: null, run_id: null }, now);
  return { task: requeued, changed: true, seq: await addOffer(client, task.id) };
}

async function update(client: PoolClient, id: string, change: TaskUpdate, now: number): Promise<TaskRecord> {
  const columns = updateColumns(change);
  const sets = ["status = $1", "updated_at = $2", ...columns.map(([name], index) => `${name} = $${index + 3}`)];
  const { rows } = await client.query<TaskRow>(
    `UPDATE cp_tasks SET ${sets.join(", ")} WHERE id = $${columns.length + 3} RETURNING *`,
    [change.status, now, ...columns.map(([, value]) => value), id],
  );
  return taskOf(rows[0]!);
}
