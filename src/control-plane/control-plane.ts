import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AgentEvent } from "../agent/events.ts";
import type { ControlPlaneSettings } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";
import { workerServes } from "./matching.ts";
import { ControlPlaneStore } from "./store.ts";
import type { Claim, HeartbeatReport, TaskInput, TaskOffer, TaskRecord, TaskStatus, WorkerRecord, WorkerRegistration } from "./types.ts";
import { TERMINAL_STATUSES } from "./types.ts";

/** What happens to one task, for whoever waits on it (the A2A dispatcher). */
export type TaskNews =
  | { type: "output"; runId: string; events: AgentEvent[] }
  | { type: "requeued"; attempt: number; reason: string }
  | { type: "finished"; task: TaskRecord };

export interface ReleaseRequest {
  task_id: string;
  status: Exclude<TaskStatus, "running">;
  run_id?: string;
  result?: string;
  error?: string;
  session_id?: string;
}

export interface OutputRequest {
  task_id: string;
  run_id: string;
  batch: number;
  events: AgentEvent[];
}

export interface ControlPlaneOptions {
  dataDir: string;
  settings: ControlPlaneSettings;
}

/**
 * The worker control plane of `serve`: registered workers, the durable task queue with claims, and the
 * lease rule (a worker whose heartbeats lapse loses its claims). Every state change is written to SQLite
 * before it is acknowledged; listeners (task streams, dispatcher) hear about it after the commit.
 */
export class ControlPlane {
  readonly store: ControlPlaneStore;
  readonly settings: ControlPlaneSettings;
  readonly #offers = new EventEmitter();
  readonly #news = new EventEmitter();
  readonly #openStreams = new Map<string, number>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: ControlPlaneOptions) {
    this.settings = options.settings;
    this.store = new ControlPlaneStore(options.dataDir);
    this.store.forgiveDowntime(Date.now());
    this.#offers.setMaxListeners(0);
    this.#news.setMaxListeners(0);
    const timeoutMs = this.settings.worker_heartbeat_timeout_secs * 1000;
    this.#sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(timeoutMs / 4, 5000)));
    this.#sweeper.unref();
  }

  register(registration: WorkerRegistration): WorkerRecord {
    this.store.upsertWorker(registration, Date.now());
    return this.store.getWorker(registration.worker_id)!;
  }

  /** Records a heartbeat; answers with the worker's tasks somebody asked to cancel. */
  heartbeat(workerId: string, report: HeartbeatReport): { cancel_task_ids: string[] } {
    this.requireWorker(workerId);
    this.store.touchWorker(workerId, Date.now(), report);
    return { cancel_task_ids: this.store.cancelRequested(workerId) };
  }

  workers(): WorkerRecord[] {
    return this.store.listWorkers();
  }

  /** Online workers with a task stream open right now. */
  connectedWorkers(): WorkerRecord[] {
    return this.workers().filter((worker) => worker.online && (this.#openStreams.get(worker.worker_id) ?? 0) > 0);
  }

  isConnected(workerId: string): boolean {
    return this.connectedWorkers().some((worker) => worker.worker_id === workerId);
  }

  /** Whether a connected worker could run this task (the `auto` dispatch rule). */
  hasWorkerFor(input: TaskInput): boolean {
    return this.connectedWorkers().some((worker) => workerServes(worker, input));
  }

  requireWorker(workerId: string | undefined): WorkerRecord {
    if (!workerId) throw new ControlPlaneError(400, "missing worker id: send the X-Worker-ID header");
    const worker = this.store.getWorker(workerId);
    if (!worker) throw new ControlPlaneError(404, `unknown worker '${workerId}': register first (POST /v1/agent/workers/register)`);
    return worker;
  }

  createTask(input: TaskInput): TaskRecord {
    const { task, seq } = this.store.transaction(() => {
      const task = this.store.insertTask(input, Date.now());
      return { task, seq: this.store.addOffer(task.id) };
    });
    this.#offer({ seq, task });
    return task;
  }

  task(taskId: string): TaskRecord {
    const task = this.store.getTask(taskId);
    if (!task) throw new ControlPlaneError(404, `unknown task '${taskId}'`);
    return task;
  }

  /** Takes a pending task for a worker; the same worker claiming again gets its existing claim back. */
  claim(workerId: string | undefined, taskId: string): Claim {
    const worker = this.requireWorker(workerId);
    const claimed = this.store.transaction(() => {
      const task = this.task(taskId);
      if (task.status === "running" && task.worker_id === worker.worker_id) return task;
      if (task.status === "running") throw new ControlPlaneError(409, `task '${taskId}' is held by worker '${task.worker_id}'`);
      if (task.status !== "pending") throw new ControlPlaneError(409, `task '${taskId}' is already ${task.status}`);
      if (!workerServes(worker, task)) throw new ControlPlaneError(409, `worker '${worker.worker_id}' does not serve the workspace or capabilities task '${taskId}' needs${task.pinned_worker ? `, or is not worker '${task.pinned_worker}' it is pinned to` : ""}`);
      // Claiming is a sign of life: the lease starts now, even for a worker the sweep had marked offline.
      this.store.touchWorker(worker.worker_id, Date.now());
      return this.store.updateTask(taskId, { status: "running", worker_id: worker.worker_id, run_id: randomUUID(), attempts: task.attempts + 1 }, Date.now());
    });
    return { task: claimed, run_id: claimed.run_id!, attempt: claimed.attempts, timeout_ms: this.settings.task_timeout_secs * 1000 };
  }

  /** Ends a claim: a final status, or `pending` to give the task back. Repeating a release is harmless. */
  release(workerId: string | undefined, request: ReleaseRequest): TaskRecord {
    const worker = this.requireWorker(workerId);
    const outcome = this.store.transaction(() => {
      const task = this.task(request.task_id);
      if (TERMINAL_STATUSES.includes(task.status) && task.worker_id === worker.worker_id && task.status === request.status) return { task, seq: undefined };
      this.#requireHolder(task, worker.worker_id, request.run_id);
      if (request.status === "pending" && !task.cancel_requested) return this.#requeue(task.id, Date.now());
      const status = request.status === "pending" ? "cancelled" : request.status;
      const finished = this.store.updateTask(
        task.id,
        { status, result: request.result ?? null, error: request.error ?? null, session_id: request.session_id ?? null },
        Date.now(),
      );
      return { task: finished, seq: undefined };
    });
    if (outcome.seq !== undefined) {
      this.#tell(outcome.task.id, { type: "requeued", attempt: outcome.task.attempts, reason: `worker '${worker.worker_id}' gave the task back` });
      this.#offer({ seq: outcome.seq, task: outcome.task });
    } else {
      this.#tell(outcome.task.id, { type: "finished", task: outcome.task });
    }
    return outcome.task;
  }

  /** Stores events a worker streamed for its run and passes them on; answers whether to cancel the run. */
  output(workerId: string | undefined, request: OutputRequest): { cancel: boolean } {
    const worker = this.requireWorker(workerId);
    const task = this.task(request.task_id);
    this.#requireHolder(task, worker.worker_id, request.run_id);
    if (this.store.addOutput(task.id, request.run_id, request.batch, request.events)) {
      this.#tell(task.id, { type: "output", runId: request.run_id, events: request.events });
    }
    return { cancel: task.cancel_requested };
  }

  /** Cancels a pending task now; a running one is cancelled by its worker (told on its next post). */
  cancel(taskId: string): TaskRecord {
    const task = this.task(taskId);
    if (TERMINAL_STATUSES.includes(task.status)) throw new ControlPlaneError(409, `task '${taskId}' is already ${task.status}`);
    if (task.status === "running") return this.store.updateTask(taskId, { status: "running", cancel_requested: true }, Date.now());
    const cancelled = this.store.updateTask(taskId, { status: "cancelled", error: "cancelled before a worker claimed it" }, Date.now());
    this.#tell(taskId, { type: "finished", task: cancelled });
    return cancelled;
  }

  /** Every offer made from now on; returns the unsubscribe. */
  onOffer(listener: (offer: TaskOffer) => void): () => void {
    this.#offers.on("offer", listener);
    return () => this.#offers.off("offer", listener);
  }

  /** News of one task from now on; returns the unsubscribe. */
  onTask(taskId: string, listener: (news: TaskNews) => void): () => void {
    this.#news.on(taskId, listener);
    return () => this.#news.off(taskId, listener);
  }

  /** Counts a worker's open task stream (for `connected`); call the result when it closes. */
  streamOpened(workerId: string): () => void {
    this.#openStreams.set(workerId, (this.#openStreams.get(workerId) ?? 0) + 1);
    return () => this.#openStreams.set(workerId, (this.#openStreams.get(workerId) ?? 1) - 1);
  }

  /** Takes the claims of workers whose heartbeats lapsed: re-queued, or failed after too many attempts. */
  sweep(now = Date.now()): void {
    const cutoff = now - this.settings.worker_heartbeat_timeout_secs * 1000;
    for (const worker of this.store.lapsedWorkers(cutoff)) {
      const reason = `worker '${worker.worker_id}' stopped heartbeating`;
      const changes = this.store.transaction(() => {
        this.store.setWorkerOffline(worker.worker_id);
        const requeued = this.store.tasksOfWorker(worker.worker_id, "running").map((task) => {
          if (task.cancel_requested) {
            return { task: this.store.updateTask(task.id, { status: "cancelled", error: `${reason}; the task was being cancelled` }, now), seq: undefined };
          }
          if (task.attempts >= this.settings.task_max_attempts) {
            const error = `${reason}; gave up after ${task.attempts} attempts`;
            return { task: this.store.updateTask(task.id, { status: "failed", error }, now), seq: undefined };
          }
          return this.#requeue(task.id, now);
        });
        // Tasks pinned to the lost worker (a context's later turn) would wait for it forever.
        const pinned = this.store.listTasks("pending", -1).filter((task) => task.pinned_worker === worker.worker_id);
        return [...requeued, ...pinned.map((task) => this.#requeue(task.id, now))];
      });
      for (const { task, seq } of changes) {
        if (seq === undefined) {
          this.#tell(task.id, { type: "finished", task });
          continue;
        }
        this.#tell(task.id, { type: "requeued", attempt: task.attempts, reason });
        this.#offer({ seq, task });
      }
    }
  }

  /** Back to the queue, for any worker: a pinned task's worker gave it back or was lost, so its session is not to be had. */
  #requeue(taskId: string, now: number): { task: TaskRecord; seq: number } {
    this.store.unpinTask(taskId);
    const task = this.store.updateTask(taskId, { status: "pending", worker_id: null, run_id: null }, now);
    return { task, seq: this.store.addOffer(taskId) };
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#offers.removeAllListeners();
    this.#news.removeAllListeners();
  }

  #requireHolder(task: TaskRecord, workerId: string, runId: string | undefined): void {
    if (task.status !== "running") throw new ControlPlaneError(409, `task '${task.id}' is ${task.status}, not claimed by worker '${workerId}'`);
    if (task.worker_id !== workerId) throw new ControlPlaneError(409, `task '${task.id}' is held by worker '${task.worker_id}', not '${workerId}'`);
    if (runId !== undefined && runId !== task.run_id) throw new ControlPlaneError(409, `run '${runId}' of task '${task.id}' is stale: the current run is '${task.run_id}'`);
  }

  #offer(offer: TaskOffer): void {
    this.#offers.emit("offer", offer);
  }

  #tell(taskId: string, news: TaskNews): void {
    this.#news.emit(taskId, news);
  }
}
