import type { TaskUpdate } from "./store.ts";
import type { HeartbeatReport, TaskInput, TaskRecord, TaskStatus, WorkerRecord, WorkerRegistration } from "./types.ts";

/** A cp_tasks row as either database returns it (PostgreSQL's BIGINT arrives as a string). */
export interface TaskRow {
  id: string;
  input: string;
  status: TaskStatus;
  attempts: number;
  worker_id: string | null;
  run_id: string | null;
  result: string | null;
  error: string | null;
  session_id: string | null;
  cancel_requested: number | boolean;
  created_at: number | string;
  updated_at: number | string;
}

export interface WorkerRow {
  id: string;
  name: string;
  hostname: string | null;
  capabilities: string;
  workspaces: string;
  max_concurrent_tasks: number;
  registered_at: number | string;
  last_seen: number | string;
  online: number | boolean;
  heartbeat: string | null;
}

export function taskOf(row: TaskRow): TaskRecord {
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
    cancel_requested: row.cancel_requested === 1 || row.cancel_requested === true,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export function workerOf(row: WorkerRow): WorkerRecord {
  return {
    worker_id: row.id,
    name: row.name,
    hostname: row.hostname ?? undefined,
    capabilities: JSON.parse(row.capabilities) as string[],
    workspaces: JSON.parse(row.workspaces) as string[],
    max_concurrent_tasks: row.max_concurrent_tasks,
    registered_at: Number(row.registered_at),
    last_seen: Number(row.last_seen),
    online: row.online === 1 || row.online === true,
    heartbeat: row.heartbeat ? (JSON.parse(row.heartbeat) as HeartbeatReport) : undefined,
  };
}

/** The stored input of a task given back to the queue: without its pin to one worker and the session to resume there. */
export function unpinnedInput(input: string): string | undefined {
  const { pinned_worker, resume_session, ...rest } = JSON.parse(input) as TaskInput;
  if (pinned_worker === undefined && resume_session === undefined) return undefined;
  return JSON.stringify(rest);
}

/** The columns a worker registration writes (JSON where the value is a list). */
export function workerColumns(worker: WorkerRegistration) {
  return {
    id: worker.worker_id,
    name: worker.name,
    hostname: worker.hostname ?? null,
    capabilities: JSON.stringify(worker.capabilities),
    workspaces: JSON.stringify(worker.workspaces),
    max: worker.max_concurrent_tasks,
  };
}

/** An update's columns besides status, in a fixed order (undefined: left as it is). */
export function updateColumns(update: TaskUpdate): Array<[string, unknown]> {
  const columns: Array<[string, unknown]> = [];
  for (const key of ["worker_id", "run_id", "attempts", "result", "error", "session_id"] as const) {
    if (update[key] !== undefined) columns.push([key, update[key]]);
  }
  if (update.cancel_requested !== undefined) columns.push(["cancel_requested", update.cancel_requested]);
  return columns;
}
