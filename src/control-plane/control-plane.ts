import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AgentEvent } from "../contracts/agent-events.ts";
import type { ControlPlaneSettings } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";
import type { ControlPlaneFeed } from "./feed.ts";
import { NewsRelay } from "./news-relay.ts";
import { workerServes } from "./matching.ts";
import type { ControlPlaneStore, TaskChange, TaskDecision } from "./store.ts";
import type {
  Claim,
  HeartbeatReport,
  TaskNews,
  TaskInput,
  TaskRecord,
  TaskStatus,
  WorkerRecord,
  WorkerRegistration,
} from "./types.ts";
import { TERMINAL_STATUSES } from "./types.ts";

export type { TaskNews } from "./types.ts";

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
  store: ControlPlaneStore;
  settings: ControlPlaneSettings;
  /** The other serve replicas sharing the store (PostgreSQL); none on SQLite. */
  feed?: ControlPlaneFeed;
  log?: (line: string) => void;
}

/**
 * The worker control plane of `serve`: registered workers, the durable task queue with claims, and the
 * lease rule (a worker whose heartbeats lapse loses its claims). Every state change is committed to the
 * store before it is acknowledged; listeners (task streams, dispatcher) hear about it after the commit,
 * here and, through the feed, on the other replicas.
 */
export class ControlPlane {
  readonly store: ControlPlaneStore;
  readonly settings: ControlPlaneSettings;
  readonly #feed: ControlPlaneFeed | undefined;
  readonly #offers = new EventEmitter();
  readonly #news = new EventEmitter();
  readonly #timers: NodeJS.Timeout[] = [];
  #sweeping: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(options: ControlPlaneOptions) {
    this.settings = options.settings;
    this.store = options.store;
    this.#feed = options.feed;
    this.#offers.setMaxListeners(0);
    this.#news.setMaxListeners(0);
    const timeoutMs = this.settings.worker_heartbeat_timeout_secs * 1000;
    const sweepMs = Math.max(50, Math.min(timeoutMs / 4, 5000));
    // A failed sweep (database briefly away) is retried on the next tick.
    const swept = (error: Error) => options.log?.(`could not release lapsed workers' tasks: ${error.message}`);
    this.#timers.push(setInterval(() => void this.sweep().catch(swept), sweepMs).unref());
    if (this.#feed) {
      const relay = new NewsRelay(this.store, (taskId) => this.#news.listenerCount(taskId) > 0);
      this.#feed.subscribe((message) =>
        message.kind === "offer"
          ? this.#offers.emit("offer")
          : relay.relay(message, (news) => this.#tell(message.task_id, news)),
      );
      this.#timers.push(setInterval(() => this.#offers.emit("offer"), this.#feed.pollMs).unref());
    }
  }

  /** The control plane on a store, its own downtime forgiven to the workers before the first sweep. */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    await options.store.forgiveDowntime(Date.now());
    return new ControlPlane(options);
  }

  async register(registration: WorkerRegistration): Promise<WorkerRecord> {
    const worker = await this.store.upsertWorker(registration, Date.now());
    if (registration.running_task_ids) await this.#releaseLostClaims(worker, registration.running_task_ids);
    return presence(worker, await this.store.streamingWorkers());
  }

  /**
   * A worker that registers running none of its claimed tasks lost them (it restarted, killed, within its
   * heartbeat timeout): they are released as a lapsed worker's are, else they would stay running forever.
   */
  async #releaseLostClaims(worker: WorkerRecord, running: string[]): Promise<void> {
    const reason = `worker '${worker.worker_id}' restarted without it`;
    const claimed = (await this.store.listTasks("running", -1)).filter(
      (task) => task.worker_id === worker.worker_id && !running.includes(task.id),
    );
    for (const { id } of claimed) {
      const change = await this.store.changeTask(id, Date.now(), (task) =>
        task?.status === "running" && task.worker_id === worker.worker_id
          ? this.#lostClaim(task, reason)
          : { type: "keep" },
      );
      if (change.changed) this.#announce(change, reason);
    }
  }

  /** What becomes of a task whose worker lost it: re-queued, cancelled if asked, failed after too many attempts. */
  #lostClaim(task: TaskRecord, reason: string): TaskDecision {
    if (task.cancel_requested)
      return { type: "update", update: { status: "cancelled", error: `${reason}; the task was being cancelled` } };
    if (task.attempts >= this.settings.task_max_attempts)
      return {
        type: "update",
        update: { status: "failed", error: `${reason}; gave up after ${task.attempts} attempts` },
      };
    return { type: "requeue" };
  }

  /** Records a heartbeat; answers with the worker's tasks somebody asked to cancel (on any replica). */
  async heartbeat(workerId: string, report: HeartbeatReport): Promise<{ cancel_task_ids: string[] }> {
    await this.requireWorker(workerId);
    await this.store.touchWorker(workerId, Date.now(), report);
    return { cancel_task_ids: await this.store.cancelRequested(workerId) };
  }

  async workers(): Promise<WorkerRecord[]> {
    const [workers, streaming] = await Promise.all([this.store.listWorkers(), this.store.streamingWorkers()]);
    return workers.map((worker) => presence(worker, streaming));
  }

  /** Online workers: a task stream open right now and heartbeats not lapsed. */
  async connectedWorkers(): Promise<WorkerRecord[]> {
    // Online needs an open stream: without any, the worker rows need not be read (every A2A task asks).
    const streaming = await this.store.streamingWorkers();
    if (streaming.size === 0) return [];
    return (await this.store.listWorkers()).map((worker) => presence(worker, streaming)).filter((w) => w.online);
  }

  async isConnected(workerId: string): Promise<boolean> {
    return (await this.connectedWorkers()).some((worker) => worker.worker_id === workerId);
  }

  /** Whether a connected worker could run this task (the `auto` dispatch rule). */
  async hasWorkerFor(input: TaskInput): Promise<boolean> {
    return (await this.connectedWorkers()).some((worker) => workerServes(worker, input));
  }

  async requireWorker(workerId: string | undefined): Promise<WorkerRecord> {
    if (!workerId) throw new ControlPlaneError(400, "missing worker id: send the X-Worker-ID header");
    const worker = await this.store.getWorker(workerId);
    if (!worker)
      throw new ControlPlaneError(
        404,
        `unknown worker '${workerId}': register first (POST /v1/agent/workers/register)`,
      );
    return worker;
  }

  async createTask(input: TaskInput): Promise<TaskRecord> {
    const { task } = await this.store.createTask(input, Date.now());
    this.#offer();
    return task;
  }

  async task(taskId: string): Promise<TaskRecord> {
    return known(await this.store.getTask(taskId), taskId);
  }

  /** Takes a pending task for a worker; the same worker claiming again gets its existing claim back. */
  async claim(workerId: string | undefined, taskId: string): Promise<Claim> {
    const worker = await this.requireWorker(workerId);
    const { task: claimed } = await this.store.changeTask(taskId, Date.now(), (found): TaskDecision => {
      const task = known(found, taskId);
      if (task.status === "running" && task.worker_id === worker.worker_id) return { type: "keep" };
      if (task.status === "running")
        throw new ControlPlaneError(409, `task '${taskId}' is held by worker '${task.worker_id}'`);
      if (task.status !== "pending") throw new ControlPlaneError(409, `task '${taskId}' is already ${task.status}`);
      if (!workerServes(worker, task))
        throw new ControlPlaneError(
          409,
          `worker '${worker.worker_id}' does not serve the workspace or capabilities task '${taskId}' needs${task.pinned_worker ? `, or is not worker '${task.pinned_worker}' it is pinned to` : ""}`,
        );
      // Claiming is a sign of life: the lease starts now, even for a worker the sweep had marked offline.
      return {
        type: "update",
        update: { status: "running", worker_id: worker.worker_id, run_id: randomUUID(), attempts: task.attempts + 1 },
        touchWorker: worker.worker_id,
      };
    });
    return {
      task: claimed,
      run_id: claimed.run_id!,
      attempt: claimed.attempts,
      timeout_ms: this.settings.task_timeout_secs * 1000,
    };
  }

  /** Ends a claim: a final status, or `pending` to give the task back. Repeating a release is harmless. */
  async release(workerId: string | undefined, request: ReleaseRequest): Promise<TaskRecord> {
    const worker = await this.requireWorker(workerId);
    const change = await this.store.changeTask(request.task_id, Date.now(), (found): TaskDecision => {
      const task = known(found, request.task_id);
      if (
        TERMINAL_STATUSES.includes(task.status) &&
        task.worker_id === worker.worker_id &&
        task.status === request.status
      )
        return { type: "keep" };
      requireHolder(task, worker.worker_id, request.run_id);
      if (request.status === "pending" && !task.cancel_requested) return { type: "requeue" };
      const status = request.status === "pending" ? "cancelled" : request.status;
      return {
        type: "update",
        update: {
          status,
          result: request.result ?? null,
          error: request.error ?? null,
          session_id: request.session_id ?? null,
        },
      };
    });
    if (change.changed) this.#announce(change, `worker '${worker.worker_id}' gave the task back`);
    return change.task;
  }

  /** Stores events a worker streamed for its run and passes them on; answers whether to cancel the run. */
  async output(workerId: string | undefined, request: OutputRequest): Promise<{ cancel: boolean }> {
    const worker = await this.requireWorker(workerId);
    const task = await this.task(request.task_id);
    requireHolder(task, worker.worker_id, request.run_id);
    if (await this.store.addOutput(task.id, request.run_id, request.batch, request.events)) {
      this.#tell(task.id, { type: "output", runId: request.run_id, events: request.events });
      this.#feed?.publish({ kind: "output", task_id: task.id, run_id: request.run_id, batch: request.batch });
    }
    return { cancel: task.cancel_requested };
  }

  /** Cancels a pending task now; a running one is cancelled by its worker (told on its next heartbeat or post). */
  async cancel(taskId: string): Promise<TaskRecord> {
    const change = await this.store.changeTask(taskId, Date.now(), (found): TaskDecision => {
      const task = known(found, taskId);
      if (TERMINAL_STATUSES.includes(task.status))
        throw new ControlPlaneError(409, `task '${taskId}' is already ${task.status}`);
      if (task.status === "running") return { type: "update", update: { status: "running", cancel_requested: true } };
      return { type: "update", update: { status: "cancelled", error: "cancelled before a worker claimed it" } };
    });
    if (change.task.status === "cancelled") this.#announce(change, "");
    return change.task;
  }

  /** Called whenever offers may have been made (here or on another replica); returns the unsubscribe. */
  onOffer(listener: () => void): () => void {
    this.#offers.on("offer", listener);
    return () => this.#offers.off("offer", listener);
  }

  /** News of one task from now on; returns the unsubscribe. */
  onTask(taskId: string, listener: (news: TaskNews) => void): () => void {
    this.#news.on(taskId, listener);
    return () => this.#news.off(taskId, listener);
  }

  /** Counts a worker's open task stream (for `connected`, on every replica); resolves to the call for when it closes. */
  async streamOpened(workerId: string): Promise<() => Promise<void>> {
    await this.store.countStream(workerId, 1);
    return () => this.store.countStream(workerId, -1);
  }

  /** Takes the claims of workers whose heartbeats lapsed: re-queued, or failed after too many attempts. */
  sweep(now = Date.now()): Promise<void> {
    // One sweep at a time here; the store keeps sweeps of other replicas from releasing a task twice.
    this.#sweeping ??= this.#sweep(now).finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(now: number): Promise<void> {
    const cutoff = now - this.settings.worker_heartbeat_timeout_secs * 1000;
    const lapsed = await this.store.releaseLapsed(cutoff, now, (task, worker): TaskDecision => {
      const reason = stoppedHeartbeating(worker);
      // Tasks pinned to the lost worker (a context's later turn) would wait for it forever.
      if (task.status === "pending") return { type: "requeue" };
      return this.#lostClaim(task, reason);
    });
    for (const { worker, changes } of lapsed) {
      for (const change of changes) this.#announce(change, stoppedHeartbeating(worker));
    }
  }

  /** Stops sweeping and listening, then closes the store; closing again waits for the first close. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.#sweeping?.catch(() => undefined);
    this.#offers.removeAllListeners();
    this.#news.removeAllListeners();
    await this.#feed?.close();
    await this.store.close();
  }

  /** A committed change, told here and to the other replicas: back in the queue (an offer), or ended. */
  #announce(change: TaskChange, reason: string): void {
    const { task } = change;
    if (change.seq !== undefined) {
      this.#tell(task.id, { type: "requeued", attempt: task.attempts, reason });
      this.#feed?.publish({ kind: "requeued", task_id: task.id, attempt: task.attempts, reason });
      this.#offer();
    } else {
      this.#tell(task.id, { type: "finished", task });
      this.#feed?.publish({ kind: "finished", task_id: task.id });
    }
  }

  #offer(): void {
    this.#offers.emit("offer");
    this.#feed?.publish({ kind: "offer" });
  }

  #tell(taskId: string, news: TaskNews): void {
    this.#news.emit(taskId, news);
  }
}

/**
 * The stored flag only says the lease holds (heartbeats not lapsed); a worker whose task stream closed
 * (it stopped, or lost the connection) is offline too, at once, not when its lease runs out.
 */
function presence(worker: WorkerRecord, streaming: Set<string>): WorkerRecord {
  return { ...worker, online: worker.online && streaming.has(worker.worker_id) };
}

/** Why a lapsed worker's tasks were ended or re-queued: the same words in the task and in the news. */
function stoppedHeartbeating(worker: WorkerRecord): string {
  return `worker '${worker.worker_id}' stopped heartbeating`;
}

function known(task: TaskRecord | undefined, taskId: string): TaskRecord {
  if (!task) throw new ControlPlaneError(404, `unknown task '${taskId}'`);
  return task;
}

function requireHolder(task: TaskRecord, workerId: string, runId: string | undefined): void {
  if (task.status !== "running")
    throw new ControlPlaneError(409, `task '${task.id}' is ${task.status}, not claimed by worker '${workerId}'`);
  if (task.worker_id !== workerId)
    throw new ControlPlaneError(409, `task '${task.id}' is held by worker '${task.worker_id}', not '${workerId}'`);
  if (runId !== undefined && runId !== task.run_id)
    throw new ControlPlaneError(
      409,
      `run '${runId}' of task '${task.id}' is stale: the current run is '${task.run_id}'`,
    );
}
