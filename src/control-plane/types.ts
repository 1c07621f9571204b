import type { AgentEvent } from "../contracts/agent-events.ts";

/** A task's lifecycle: pending → running (claimed) → completed | failed | cancelled; a lost claim goes back to pending. */
export type TaskStatus = "pending" | "running" | "completed" | "failed" | "cancelled";

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["completed", "failed", "cancelled"];

export interface TaskInput {
  prompt: string;
  /** A workspace path or name the running worker must serve; any worker when absent. */
  workspace?: string;
  /** Capabilities the running worker must all have. */
  capabilities?: string[];
  /** `provider/model` for the run; the worker's default when absent. */
  model?: string;
  /** Agent profile for the run. */
  agent?: string;
  metadata?: Record<string, unknown>;
  /** Only this worker may run the task: it holds `resume_session`. */
  pinned_worker?: string;
  /** A session on the worker to continue (a multi-turn conversation); a fresh one if it is gone. */
  resume_session?: string;
}

export interface TaskRecord extends TaskInput {
  id: string;
  status: TaskStatus;
  /** Claims so far (a lapsed worker's claim counts). */
  attempts: number;
  worker_id?: string;
  run_id?: string;
  result?: string;
  error?: string;
  session_id?: string;
  cancel_requested: boolean;
  created_at: number;
  updated_at: number;
}

export interface WorkerRegistration {
  worker_id: string;
  name: string;
  hostname?: string;
  capabilities: string[];
  workspaces: string[];
  max_concurrent_tasks: number;
  /** Given by workers that know what they run: serve releases the worker's other claims (lost in a restart). */
  running_task_ids?: string[];
}

export interface HeartbeatReport {
  status: "idle" | "processing" | "stopping";
  active_tasks: number;
  agent_name?: string;
  sub_agents?: unknown[];
  cognition?: Record<string, unknown>;
}

export interface WorkerRecord extends WorkerRegistration {
  registered_at: number;
  last_seen: number;
  /**
   * True while its task stream is open and its heartbeats have not lapsed (a lapse releases its claims;
   * a heartbeat revives it).
   */
  online: boolean;
  heartbeat?: HeartbeatReport;
}

/** What a worker gets for a successful claim. */
export interface Claim {
  task: TaskRecord;
  run_id: string;
  attempt: number;
  timeout_ms: number;
}

/** A pending task offered on the worker stream; `seq` is the SSE event id. */
export interface TaskOffer {
  seq: number;
  task: TaskRecord;
}

/** What happens to one task, for whoever waits on it (the A2A dispatcher). */
export type TaskNews =
  | { type: "output"; runId: string; events: AgentEvent[] }
  | { type: "requeued"; attempt: number; reason: string }
  | { type: "finished"; task: TaskRecord };
