import { randomUUID } from "node:crypto";
import {
  Role,
  TaskState,
  type Artifact,
  type Message,
  type Part,
  type StreamResponse,
  type Task,
  type TaskArtifactUpdateEvent,
  type TaskStatusUpdateEvent,
} from "@a2a-js/sdk";

// Builders for the SDK's proto-shaped objects (every field present, enums as numbers).

export function textPart(text: string): Part {
  return { content: { $case: "text", value: text }, mediaType: "text/plain", filename: "", metadata: undefined };
}

export function dataPart(data: Record<string, unknown>): Part {
  return { content: { $case: "data", value: data }, mediaType: "application/json", filename: "", metadata: undefined };
}

/** Marks a message as progress (`metadata["codetether/progress"]`): a status update, not part of the history. */
export const PROGRESS_KEY = "codetether/progress";

export function agentMessage(taskId: string, contextId: string, parts: Part[], progress = false): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts,
    metadata: progress ? { [PROGRESS_KEY]: true } : undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/**
 * The task as stored: a running task's progress (text streamed so far, tool activity) goes out in status
 * updates and stays its current status while it is the newest, but is left out of the history, which then
 * holds the conversation: the client's messages, the agent's questions and answers. (The SDK appends every
 * status message to the history: a streamed answer would be there in fragments, then whole.)
 */
export function withoutProgress(task: Task): Task {
  const history = task.history ?? [];
  if (!history.some(isProgress)) return task;
  return { ...task, history: history.filter((message) => !isProgress(message)) };
}

const isProgress = (message: Message) => message.metadata?.[PROGRESS_KEY] === true;

export function statusEvent(
  taskId: string,
  contextId: string,
  state: TaskState,
  message?: Message,
): TaskStatusUpdateEvent {
  return { taskId, contextId, status: { state, message, timestamp: new Date().toISOString() }, metadata: undefined };
}

/** The task's stored status as the status update a stream sends (for an end that came without its event). */
export function statusUpdateOf(task: Task): StreamResponse {
  return {
    payload: {
      $case: "statusUpdate",
      value: { taskId: task.id, contextId: task.contextId, status: task.status, metadata: undefined },
    },
  };
}

export function newTask(taskId: string, contextId: string, first: Message): Task {
  return {
    id: taskId,
    contextId,
    status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
    artifacts: [],
    history: [first],
    metadata: undefined,
  };
}

export function artifactEvent(
  taskId: string,
  contextId: string,
  artifact: Omit<Artifact, "artifactId" | "extensions" | "metadata">,
): TaskArtifactUpdateEvent {
  return {
    taskId,
    contextId,
    artifact: { artifactId: randomUUID(), extensions: [], metadata: undefined, ...artifact },
    append: false,
    lastChunk: true,
    metadata: undefined,
  };
}

/** The text of a message's text parts, joined (what status lines and the CLI show). */
export function textOf(message: { parts: Part[] } | undefined): string {
  return (message?.parts ?? [])
    .map((p) => (p.content?.$case === "text" ? p.content.value : ""))
    .filter(Boolean)
    .join("\n");
}

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
  TaskState.TASK_STATE_REJECTED,
]);

/** `TASK_STATE_INPUT_REQUIRED` → `input-required`, for people. */
export function stateName(state: TaskState | undefined): string {
  const name = state === undefined ? "TASK_STATE_UNSPECIFIED" : (TaskState[state] ?? "TASK_STATE_UNSPECIFIED");
  return name
    .replace(/^TASK_STATE_/, "")
    .toLowerCase()
    .replace(/_/g, "-");
}
