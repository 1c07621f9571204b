import { Task as TaskJson, TaskState, type ListTasksRequest, type Task } from "@a2a-js/sdk";
import { RequestMalformedError } from "@a2a-js/sdk/errors";
import { agentMessage, stateName, statusEvent, textPart } from "./messages.ts";

/** What every task store keeps in its columns besides the body, for lookups, filters and paging. */
export interface TaskRow {
  id: string;
  contextId: string;
  state: number;
  time: string;
  /** The task as ProtoJSON. */
  body: string;
}

/** States in which a task still has work going on (or waits for its client). */
export const UNFINISHED = [
  TaskState.TASK_STATE_SUBMITTED,
  TaskState.TASK_STATE_WORKING,
  TaskState.TASK_STATE_INPUT_REQUIRED,
  TaskState.TASK_STATE_AUTH_REQUIRED,
];

export function isUnfinished(state: number | undefined): boolean {
  return UNFINISHED.includes(state ?? TaskState.TASK_STATE_UNSPECIFIED);
}

export const DEFAULT_PAGE_SIZE = 50;

/** Serialized now: the caller may change the task object after saving it. */
export function rowOf(task: Task): TaskRow {
  const state = task.status?.state ?? TaskState.TASK_STATE_UNSPECIFIED;
  return {
    id: task.id,
    contextId: task.contextId,
    state,
    time: task.status?.timestamp ?? new Date().toISOString(),
    body: JSON.stringify(TaskJson.toJSON(task)),
  };
}

export function taskOf(body: string): Task {
  return TaskJson.fromJSON(JSON.parse(body));
}

/** A listed task: its artifacts only when asked for. */
export function listedTask(body: string, params: ListTasksRequest): Task {
  const task = taskOf(body);
  if (!params.includeArtifacts) task.artifacts = [];
  return task;
}

/** Moves a task to `state` with `text` as its status message (also appended to its history). */
export function endTask(task: Task, state: TaskState, text: string): Task {
  const message = agentMessage(task.id, task.contextId, [textPart(text)]);
  task.status = statusEvent(task.id, task.contextId, state, message).status;
  task.history = [...task.history, message];
  return task;
}

/** Why a task was failed at start-up, for a client polling it. */
export function interruptedText(task: Task): string {
  return `the server stopped while this task was ${stateName(task.status?.state)}; it did not finish. Send the request again to retry.`;
}

/** Where a page of `list` (newest status first) resumes: an opaque keyset cursor, stable under inserts. */
export interface PageCursor {
  time: string;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(token: string): PageCursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as PageCursor;
    if (typeof cursor.time === "string" && typeof cursor.id === "string") return cursor;
  } catch {
    // falls through to the error below
  }
  throw new RequestMalformedError(`invalid pageToken: ${token}`);
}
