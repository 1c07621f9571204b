import { randomUUID } from "node:crypto";
import type { Database, Statement } from "../storage/database.ts";
import { cachedStatement, openDatabase, inTransaction } from "../storage/database.ts";
import type { AgentEvent } from "../contracts/agent-events.ts";
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

/**
 * The control plane's store in the data dir's SQLite database (the default, one serve per data dir).
 * Statements are synchronous; each decision runs in one immediate transaction, so nothing interleaves.
 */
export class SqliteControlPlaneStore implements ControlPlaneStore {
  readonly #db: Database;
  /** Open task streams per worker: this process is the only one serving the queue. */
  readonly #streams = new Map<string, number>();

  constructor(dataDir: string) {
    // Claims and releases are acknowledged to other processes: they must survive power loss.
    this.#db = openDatabase(dataDir, { synchronous: "FULL" });
    this.#db.exec(SCHEMA);
  }

  /** Compiled once: the dispatcher asks for the workers on every A2A task. */
  #statement(sql: string): Statement {
    return cachedStatement(this.#db, sql);
  }

  async upsertWorker(worker: WorkerRegistration, now: number): Promise<WorkerRecord> {
    this.#statement(
      `INSERT INTO cp_workers (id, name, hostname, capabilities, workspaces, max_concurrent_tasks, registered_at, last_seen, online)
         VALUES (@id, @name, @hostname, @capabilities, @workspaces, @max, @now, @now, 1)
         ON CONFLICT (id) DO UPDATE SET name = @name, hostname = @hostname, capabilities = @capabilities,
           workspaces = @workspaces, max_concurrent_tasks = @max, last_seen = @now, online = 1`,
    ).run({ ...workerColumns(worker), now });
    return this.#worker(worker.worker_id)!;
  }

  async getWorker(id: string): Promise<WorkerRecord | undefined> {
    return this.#worker(id);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return (this.#statement("SELECT * FROM cp_workers ORDER BY registered_at").all() as WorkerRow[]).map(workerOf);
  }

  async touchWorker(id: string, now: number, heartbeat?: HeartbeatReport): Promise<void> {
    this.#touch(id, now, heartbeat);
  }

  async countStream(workerId: string, delta: 1 | -1): Promise<void> {
    this.#streams.set(workerId, (this.#streams.get(workerId) ?? 0) + delta);
  }

  async streamingWorkers(): Promise<Set<string>> {
    return new Set([...this.#streams].filter(([, open]) => open > 0).map(([id]) => id));
  }

  async forgiveDowntime(now: number): Promise<void> {
    this.#statement("UPDATE cp_workers SET last_seen = ? WHERE online = 1").run(now);
  }

  async createTask(input: TaskInput, now: number): Promise<TaskOffer> {
    return this.#transaction(() => {
      const id = randomUUID();
      this.#statement(
        "INSERT INTO cp_tasks (id, input, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)",
      ).run(id, JSON.stringify(input), now, now);
      return { seq: this.#addOffer(id), task: this.#task(id)! };
    });
  }

  async getTask(id: string): Promise<TaskRecord | undefined> {
    return this.#task(id);
  }

  async listTasks(status?: TaskStatus, limit = 100): Promise<TaskRecord[]> {
    const rows = status
      ? this.#statement("SELECT * FROM cp_tasks WHERE status = ? ORDER BY created_at DESC LIMIT ?").all(status, limit)
      : this.#statement("SELECT * FROM cp_tasks ORDER BY created_at DESC LIMIT ?").all(limit);
    return (rows as TaskRow[]).map(taskOf);
  }

  async cancelRequested(workerId: string): Promise<string[]> {
    return (
      this.#statement(
        "SELECT id FROM cp_tasks WHERE worker_id = ? AND status = 'running' AND cancel_requested = 1",
      ).all(workerId) as Array<{ id: string }>
    ).map((r) => r.id);
  }

  async changeTask(
    taskId: string,
    now: number,
    decide: (task: TaskRecord | undefined) => TaskDecision,
  ): Promise<TaskChange> {
    return this.#transaction(() => {
      const task = this.#task(taskId);
      const decision = decide(task);
      return this.#apply(task!, decision, now);
    });
  }

  async releaseLapsed(
    cutoff: number,
    now: number,
    decide: (task: TaskRecord, worker: WorkerRecord) => TaskDecision,
  ): Promise<LapsedWorker[]> {
    return this.#transaction(() => {
      const lapsed = (
        this.#statement(
          "SELECT * FROM cp_workers WHERE last_seen < ? AND (online = 1 OR id IN (SELECT worker_id FROM cp_tasks WHERE status = 'running'))",
        ).all(cutoff) as WorkerRow[]
      ).map(workerOf);
      return lapsed.map((worker) => {
        this.#statement("UPDATE cp_workers SET online = 0 WHERE id = ?").run(worker.worker_id);
        const running = this.#statement("SELECT * FROM cp_tasks WHERE worker_id = ? AND status = 'running'").all(
          worker.worker_id,
        ) as TaskRow[];
        const pinned = (this.#statement("SELECT * FROM cp_tasks WHERE status = 'pending'").all() as TaskRow[])
          .map(taskOf)
          .filter((task) => task.pinned_worker === worker.worker_id);
        const tasks = [...running.map(taskOf), ...pinned];
        return { worker, changes: tasks.map((task) => this.#apply(task, decide(task, worker), now)) };
      });
    });
  }

  async pendingOffers(afterSeq: number): Promise<TaskOffer[]> {
    const rows = this.#statement(
      `SELECT o.seq AS seq, t.* FROM cp_offers o JOIN cp_tasks t ON t.id = o.task_id
         WHERE o.seq > ? AND t.status = 'pending' AND o.seq = (SELECT MAX(seq) FROM cp_offers WHERE task_id = o.task_id)
         ORDER BY o.seq`,
    ).all(afterSeq) as Array<TaskRow & { seq: number }>;
    return rows.map((row) => ({ seq: row.seq, task: taskOf(row) }));
  }

  async addOutput(taskId: string, runId: string, batch: number, events: AgentEvent[]): Promise<boolean> {
    const result = this.#statement(
      "INSERT OR IGNORE INTO cp_output (task_id, run_id, batch, events) VALUES (?, ?, ?, ?)",
    ).run(taskId, runId, batch, JSON.stringify(events));
    return result.changes > 0;
  }

  async outputBatch(taskId: string, runId: string, batch: number): Promise<AgentEvent[] | undefined> {
    const row = this.#statement("SELECT events FROM cp_output WHERE task_id = ? AND run_id = ? AND batch = ?").get(
      taskId,
      runId,
      batch,
    ) as { events: string } | undefined;
    return row && (JSON.parse(row.events) as AgentEvent[]);
  }

  async output(taskId: string): Promise<AgentEvent[]> {
    const rows = this.#statement("SELECT events FROM cp_output WHERE task_id = ? ORDER BY id").all(taskId) as Array<{
      events: string;
    }>;
    return rows.flatMap((row) => JSON.parse(row.events) as AgentEvent[]);
  }

  async close(): Promise<void> {
    // The database handle is shared per data dir (openDatabase); its owner closes it.
  }

  #transaction<T>(work: () => T): T {
    return inTransaction(this.#db, work, "immediate");
  }

  #task(id: string): TaskRecord | undefined {
    const row = this.#statement("SELECT * FROM cp_tasks WHERE id = ?").get(id) as TaskRow | undefined;
    return row && taskOf(row);
  }

  #worker(id: string): WorkerRecord | undefined {
    const row = this.#statement("SELECT * FROM cp_workers WHERE id = ?").get(id) as WorkerRow | undefined;
    return row && workerOf(row);
  }

  #touch(id: string, now: number, heartbeat?: HeartbeatReport): void {
    this.#statement(
      "UPDATE cp_workers SET last_seen = ?, online = 1, heartbeat = COALESCE(?, heartbeat) WHERE id = ?",
    ).run(now, heartbeat ? JSON.stringify(heartbeat) : null, id);
  }

  #addOffer(taskId: string): number {
    return Number(this.#statement("INSERT INTO cp_offers (task_id) VALUES (?)").run(taskId).lastInsertRowid);
  }

  #apply(task: TaskRecord, decision: TaskDecision, now: number): TaskChange {
    if (decision.type === "keep") return { task, changed: false };
    if (decision.type === "update") {
      if (decision.touchWorker) this.#touch(decision.touchWorker, now);
      this.#update(task.id, decision.update, now);
      return { task: this.#task(task.id)!, changed: true };
    }
    const row = this.#statement("SELECT input FROM cp_tasks WHERE id = ?").get(task.id) as { input: string };
    const unpinned = unpinnedInput(row.input);
    if (unpinned) this.#statement("UPDATE cp_tasks SET input = ? WHERE id = ?").run(unpinned, task.id);
    this.#update(task.id, { status: "pending", worker_id: null, run_id: null }, now);
    const seq = this.#addOffer(task.id);
    return { task: this.#task(task.id)!, changed: true, seq };
  }

  #update(id: string, update: TaskUpdate, now: number): void {
    const columns = updateColumns(update);
    const values = columns.map(([, value]) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
    const sets = ["status = ?", "updated_at = ?", ...columns.map(([name]) => `${name} = ?`)];
    this.#statement(`UPDATE cp_tasks SET ${sets.join(", ")} WHERE id = ?`).run(update.status, now, ...values, id);
  }
}
