import { Role, TaskState, type Message, type Part } from "@a2a-js/sdk";
import { randomUUID } from "node:crypto";
import { connectA2A } from "../a2a/client.ts";
import { stateName, TERMINAL_STATES, textOf, textPart } from "../a2a/messages.ts";

export interface DelegateUpdate {
  taskId: string;
  contextId: string;
  /** `working`, `completed`, `input-required`… */
  state: string;
  text: string;
}

export interface DelegateOptions {
  token?: string;
  signal?: AbortSignal;
  /** Continue this task of the peer (e.g. answer its input-required question). */
  taskId?: string;
  /** Called for each status update, as it streams in. */
  onUpdate?: (update: DelegateUpdate) => void;
}

export interface DelegateResult {
  taskId: string;
  contextId: string;
  state: string;
  /** The peer's answer (its `answer` artifact, else its final status message, else a direct message). */
  answer: string;
  /** The progress lines the peer streamed, in order. */
  progress: string[];
}

/**
 * Hands a task to an A2A peer and follows its stream to the end (a terminal or interrupted state).
 * Aborting the signal cancels the peer's task.
 */
export async function delegateTask(
  peerUrl: string,
  prompt: string,
  options: DelegateOptions = {},
): Promise<DelegateResult> {
  const { client } = await connectA2A(peerUrl, { token: options.token, signal: options.signal });
  const message: Message = {
    messageId: randomUUID(),
    contextId: "",
    taskId: options.taskId ?? "",
    role: Role.ROLE_USER,
    parts: [textPart(prompt)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
  const result: DelegateResult = {
    taskId: options.taskId ?? "",
    contextId: "",
    state: "submitted",
    answer: "",
    progress: [],
  };
  let statusText = "";
  try {
    const stream = client.sendMessageStream(
      { tenant: "", message, configuration: undefined, metadata: undefined },
      { signal: options.signal },
    );
    for await (const { payload } of stream) {
      if (!payload) continue;
      if (payload.$case === "message") {
        result.answer = textOf(payload.value);
        continue;
      }
      if (payload.$case === "artifactUpdate") {
        if (payload.value.artifact?.name === "answer") result.answer = partsText(payload.value.artifact.parts);
        continue;
      }
      const { taskId, contextId, status } =
        payload.$case === "task" ? { ...payload.value, taskId: payload.value.id } : payload.value;
      Object.assign(result, { taskId, contextId });
      result.state = stateName(status?.state);
      const text = textOf(status?.message);
      if (status?.state === TaskState.TASK_STATE_WORKING && text) result.progress.push(text);
      else if (text) statusText = text;
      options.onUpdate?.({ taskId, contextId, state: result.state, text });
    }
  } catch (error) {
    if (options.signal?.aborted && result.taskId && !isEnded(result.state)) {
      await client.cancelTask({ tenant: "", id: result.taskId, metadata: undefined }).catch(() => undefined);
    }
    throw error;
  }
  result.answer ||= statusText;
  return result;
}

function partsText(parts: Part[]): string {
  return parts
    .map((part) => (part.content?.$case === "text" ? part.content.value : ""))
    .filter(Boolean)
    .join("\n");
}

function isEnded(state: string): boolean {
  return [...TERMINAL_STATES].some((terminal) => stateName(terminal) === state);
}
