import type { AgentEvent } from "../contracts/agent-events.ts";
import type {
  HeartbeatReport,
  TaskInput,
  TaskOffer,
  TaskRecord,
  TaskStatus,
  WorkerRecord,
  WorkerRegistration,
} from "./types.ts";

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
 * What the control plane decided about a task it saw locked: leave it, write these columns (and count
 * the change as a sign of life of `touchWorker`), or put it back in the queue for any worker.
 */
export type TaskDecision =
  { type: "keep" } | { type: "update"; update: TaskUpdate; touchWorker?: string } | { type: "requeue" };

/** A task after a decision; `seq` is its new offer when it went back to the queue. */
export interface TaskChange {
  task: TaskRecord;
  changed: boolean;
  seq?: number;
}

/** One lapsed worker taken offline, with what became of the tasks it held or that were pinned to it. */
export interface LapsedWorker {
  worker: WorkerRecord;
  changes: TaskChange[];
}

/**
 * The control plane's durable state: workers, tasks, the offer log the worker stream replays, and
 * streamed output. Decisions that must be atomic are single methods: the store locks the rows, asks the
 * plane's `decide` (synchronous, may throw to refuse) and writes the outcome in the same transaction,
 * so one claim wins across every process sharing the store. Resolved means committed.
 */
export interface ControlPlaneStore {
  upsertWorker(worker: WorkerRegistration, now: number): Promise<WorkerRecord>;
  getWorker(id: string): Promise<WorkerRecord | undefined>;
  listWorkers(): Promise<WorkerRecord[]>;
  touchWorker(id: string, now: number, heartbeat?: HeartbeatReport): Promise<void>;
  /** A task stream of the worker opened (+1) or closed (-1) in this process. */
  countStream(workerId: string, delta: 1 | -1): Promise<void>;
  /** Workers with a task stream open in a live process (any replica). */
  streamingWorkers(): Promise<Set<string>>;
  /** After serve was down its downtime must not count against the workers (when no other replica ran meanwhile). */
  forgiveDowntime(now: number): Promise<void>;

  /** A new pending task and its first offer. */
  createTask(input: TaskInput, now: number): Promise<TaskOffer>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  /** Newest first; `limit` -1 lists them all. */
  listTasks(status?: TaskStatus, limit?: number): Promise<TaskRecord[]>;
  /** Ids of the worker's running tasks somebody asked to cancel. */
  cancelRequested(workerId: string): Promise<string[]>;
  /** Locks the task (undefined when unknown), applies `decide`'s choice; a throw from `decide` changes nothing. */
  changeTask(taskId: string, now: number, decide: (task: TaskRecord | undefined) => TaskDecision): Promise<TaskChange>;
  /**
   * Each worker last seen before `cutoff` that is online or holds a claim, exactly once however many
   * processes sweep at the same time: taken offline, and `decide` applied to its running tasks and to the
   * pending tasks pinned to it.
   */
  releaseLapsed(
    cutoff: number,
    now: number,
    decide: (task: TaskRecord, worker: WorkerRecord) => TaskDecision,
  ): Promise<LapsedWorker[]>;

  /** Pending tasks whose latest offer comes after `afterSeq`, oldest first. */
  pendingOffers(afterSeq: number): Promise<TaskOffer[]>;
  /** Stores a batch of streamed events; false when this batch was stored before (a retried post). */
  addOutput(taskId: string, runId: string, batch: number, events: AgentEvent[]): Promise<boolean>;
  /** The events of one stored batch (another replica's news), undefined when there is none. */
  outputBatch(taskId: string, runId: string, batch: number): Promise<AgentEvent[] | undefined>;
  /** Every event streamed for a task so far, across its runs, in arrival order. */
  output(taskId: string): Promise<AgentEvent[]>;
  close(): Promise<void>;
}
