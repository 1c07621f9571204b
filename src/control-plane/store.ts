import { randomUUID } from "node:crypto";
import type { Database } from "../storage/database.ts";
import { openDatabase } from "../storage/database.ts";
import type { AgentEvent } from "../agent/events.ts";
import type { HeartbeatReport, TaskInput, TaskOffer, TaskRecord, TaskStatus, WorkerRecord, WorkerRegistration } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cp_workers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hostname TEXT,
  capabilities TEXT NOT NULL,
  workspaces TEXT NOT NULL,
  max_concurrent_tasks INTEGER NOT NULL,
  registered_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  online INTEGER NOT NULL,
  heartbeat TEXT
);
CREATE TABLE IF NOT EXISTS cp_tasks (
  id TEXT PRIMARY KEY,
  input TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  worker_id TEXT,
  run_id TEXT,
  result TEXT,
  error TEXT,
  session_id TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cp_tasks_worker ON cp_tasks (worker_id, status);
-- One row each time a task becomes pending; the row id is the SSE event id of the worker stream.
CREATE TABLE IF NOT EXISTS cp_offers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cp_offers_task ON cp_offers (task_id, seq);
-- Events a worker streamed back for a run, in order; (task, run, batch) makes a retried post harmless.
CREATE TABLE IF NOT EXISTS cp_output (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  batch INTEGER NOT NULL,
  events TEXT NOT NULL,
  UNIQUE (task_id, run_id, batch)
);
`;

interface TaskRow {
  id: string;
  input: string;
  status: TaskStatus;
  attempts: number;
  worker_id: string | null;
  run_id: string | null;
  result: string | null;
  error: string | null;
  session_id: string | null;
  cancel_requested: number;
  created_at: number;
  updated_at: number;
}

interface WorkerRow {
  id: string;
  name: string;
  hostname: string | null;
  capabilities: string;
  workspaces: string;
  max_concurrent_tasks: number;
  registered_at: number;
  last_seen: number;
  online: number;
  heartbeat: string | null;
}

export interface TaskUpdate {
  status: TaskStatus;
  worker_id?: string | null;
  run_id?: string | null;
  attempts?: number;
  result?: string | null;
  error?: string | null;
  session_id?: string | null;
  cancel_requested?: boolean;
}

/**
 * The control plane's durable state in the shared SQLite database: workers, tasks, the offer log the
 * worker stream replays, and streamed output. Plain synchronous statements; callers group them in
 * `transaction` where a decision and its write must be atomic (a claim).
 */
export class ControlPlaneStore {
  readonly #db: Database;

  constructor(dataDir: string) {
    // Claims and releases are acknowledged to other processes: they must survive power loss.
    this.#db = openDatabase(dataDir, { synchronous: "FULL" });
    this.#db.exec(SCHEMA);
  }

  transaction<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  upsertWorker(worker: WorkerRegistration, now: number): void {
    this.#db
      .prepare(
        `INSERT INTO cp_workers (id, name, hostname, capabilities, workspaces, max_concurrent_tasks, registered_at, last_seen, online)
         VALUES (@id, @name, @hostname, @capabilities, @workspaces, @max, @now, @now, 1)
         ON CONFLICT (id) DO UPDATE SET name = @name, hostname = @hostname, capabilities = @capabilities,
           workspaces = @workspaces, max_concurrent_tasks = @max, last_seen = @now, online = 1`,
      )
      .run({
        id: worker.worker_id,
        name: worker.name,
        hostname: worker.hostname ?? null,
        capabilities: JSON.stringify(worker.capabilities),
        workspaces: JSON.stringify(worker.workspaces),
        max: worker.max_concurrent_tasks,
        now,
      });
  }

  getWorker(id: string): WorkerRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM cp_workers WHERE id = ?").get(id) as WorkerRow | undefined;
    return row && workerOf(row);
  }

  listWorkers(): WorkerRecord[] {
    return (this.#db.prepare("SELECT * FROM cp_workers ORDER BY registered_at").all() as WorkerRow[]).map(workerOf);
  }

  touchWorker(id: string, now: number, heartbeat?: HeartbeatReport): void {
    this.#db
      .prepare("UPDATE cp_workers SET last_seen = ?, online = 1, heartbeat = COALESCE(?, heartbeat) WHERE id = ?")
      .run(now, heartbeat ? JSON.stringify(heartbeat) : null, id);
  }

  /** Workers last seen before `cutoff` that are still online or still hold a claim. */
  lapsedWorkers(cutoff: number): WorkerRecord[] {
    const rows = this.#db
      .prepare("SELECT * FROM cp_workers WHERE last_seen < ? AND (online = 1 OR id IN (SELECT worker_id FROM cp_tasks WHERE status = 'running'))")
      .all(cutoff) as WorkerRow[];
    return rows.map(workerOf);
  }

  setWorkerOffline(id: string): void {
    this.#db.prepare("UPDATE cp_workers SET online = 0 WHERE id = ?").run(id);
  }

  /** After a restart of serve its own downtime must not count against the workers. */
  forgiveDowntime(now: number): void {
    this.#db.prepare("UPDATE cp_workers SET last_seen = ? WHERE online = 1").run(now);
  }

  insertTask(input: TaskInput, now: number): TaskRecord {
    const id = randomUUID();
    this.#db
      .prepare("INSERT INTO cp_tasks (id, input, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)")
      .run(id, JSON.stringify(input), now, now);
    return this.getTask(id)!;
  }

  getTask(id: string): TaskRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM cp_tasks WHERE id = ?").get(id) as TaskRow | undefined;
    return row && taskOf(row);
  }

  /** Newest first; `limit` -1 lists them all. */
  listTasks(status?: TaskStatus, limit = 100): TaskRecord[] {
    const rows = status
      ? this.#db.prepare("SELECT * FROM cp_tasks WHERE status = ? ORDER BY created_at DESC LIMIT ?").all(status, limit)
      : this.#db.prepare("SELECT * FROM cp_tasks ORDER BY created_at DESC LIMIT ?").all(limit);
    return (rows as TaskRow[]).map(taskOf);
  }

  tasksOfWorker(workerId: string, status: TaskStatus): TaskRecord[] {
    return (this.#db.prepare("SELECT * FROM cp_tasks WHERE worker_id = ? AND status = ?").all(workerId, status) as TaskRow[]).map(taskOf);
  }

  /** Ids of the worker's running tasks somebody asked to cancel. */
  cancelRequested(workerId: string): string[] {
    return (this.#db.prepare("SELECT id FROM cp_tasks WHERE worker_id = ? AND status = 'running' AND cancel_requested = 1").all(workerId) as Array<{ id: string }>).map((r) => r.id);
  }

  updateTask(id: string, update: TaskUpdate, now: number): TaskRecord {
    const columns: string[] = ["status = @status", "updated_at = @now"];
    const values: Record<string, unknown> = { id, status: update.status, now };
    for (const key of ["worker_id", "run_id", "attempts", "result", "error", "session_id"] as const) {
      if (update[key] === undefined) continue;
      columns.push(`${key} = @${key}`);
      values[key] = update[key];
    }
    if (update.cancel_requested !== undefined) {
      columns.push("cancel_requested = @cancel");
      values.cancel = update.cancel_requested ? 1 : 0;
    }
    this.#db.prepare(`UPDATE cp_tasks SET ${columns.join(", ")} WHERE id = @id`).run(values);
    return this.getTask(id)!;
  }

  /** Lets any worker take the task again: drops its pin to one worker and the session it was to resume there. */
  unpinTask(id: string): void {
    const row = this.#db.prepare("SELECT input FROM cp_tasks WHERE id = ?").get(id) as { input: string } | undefined;
    if (!row) return;
    const { pinned_worker, resume_session, ...input } = JSON.parse(row.input) as TaskInput;
    if (pinned_worker === undefined && resume_session === undefined) return;
    this.#db.prepare("UPDATE cp_tasks SET input = ? WHERE id = ?").run(JSON.stringify(input), id);
  }

  /** Logs that a task is (again) pending; returns the offer's sequence number. */
  addOffer(taskId: string): number {
    return Number(this.#db.prepare("INSERT INTO cp_offers (task_id) VALUES (?)").run(taskId).lastInsertRowid);
  }

  /** Pending tasks whose latest offer comes after `afterSeq`, oldest first. */
  pendingOffers(afterSeq: number): TaskOffer[] {
    const rows = this.#db
      .prepare(
        `SELECT o.seq AS seq, t.* FROM cp_offers o JOIN cp_tasks t ON t.id = o.task_id
         WHERE o.seq > ? AND t.status = 'pending' AND o.seq = (SELECT MAX(seq) FROM cp_offers WHERE task_id = o.task_id)
         ORDER BY o.seq`,
      )
      .all(afterSeq) as Array<TaskRow & { seq: number }>;
    return rows.map((row) => ({ seq: row.seq, task: taskOf(row) }));
  }

  /** Stores a batch of streamed events; false when this batch was stored before (a retried post). */
  addOutput(taskId: string, runId: string, batch: number, events: AgentEvent[]): boolean {
    const result = this.#db
      .prepare("INSERT OR IGNORE INTO cp_output (task_id, run_id, batch, events) VALUES (?, ?, ?, ?)")
      .run(taskId, runId, batch, JSON.stringify(events));
    return result.changes > 0;
  }

  /** Every event streamed for a task so far, across its runs, in arrival order. */
  output(taskId: string): AgentEvent[] {
    const rows = this.#db.prepare("SELECT events FROM cp_output WHERE task_id = ? ORDER BY id").all(taskId) as Array<{ events: string }>;
    return rows.flatMap((row) => JSON.parse(row.events) as AgentEvent[]);
  }
}

function taskOf(row: TaskRow): TaskRecord {
  const input = JSON.parse(row.input) as TaskInput;
  return {
    ...input,
    id: row.id,
    status: row.status,
    attempts: row.attempts,
    worker_id: row.worker_id ?? undefined,
    run_id: row.run_id ?? undefined,
    result: row.result ?? undefined,
    error: row.error ?? undefined,
    session_id: row.session_id ?? undefined,
    cancel_requested: row.cancel_requested === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function workerOf(row: WorkerRow): WorkerRecord {
  return {
    worker_id: row.id,
    name: row.name,
    hostname: row.hostname ?? undefined,
    capabilities: JSON.parse(row.capabilities) as string[],
    workspaces: JSON.parse(row.workspaces) as string[],
    max_concurrent_tasks: row.max_concurrent_tasks,
    registered_at: row.registered_at,
    last_seen: row.last_seen,
    online: row.online === 1,
    heartbeat: row.heartbeat ? (JSON.parse(row.heartbeat) as HeartbeatReport) : undefined,
  };
}
