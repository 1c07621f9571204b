import type { StreamResponse, Task, TaskStatus } from "@a2a-js/sdk";
import { statusUpdateOf } from "./messages.ts";

/**
 * A task's event stream as the spec wants it (§3.1.2): the Task first, then only status and artifact updates.
 * A later Task (the one an answer to an input-required task publishes so the answering stream opens with it,
 * or a follower's catch-up snapshot) goes as what it adds: its status when newer than the last one sent, and
 * the artifacts not sent yet.
 */
export async function* taskFirst(stream: AsyncIterable<StreamResponse>): AsyncGenerator<StreamResponse, void> {
  let opened = false;
  let status: TaskStatus | undefined;
  const artifacts = new Set<string>();
  for await (const response of stream) {
    const payload = response.payload;
    if (payload?.$case === "task" && opened) {
      yield* newsOf(payload.value, status, artifacts);
    } else yield response;
    opened = true;
    // The newest status sent so far, whatever order older snapshots came in.
    const next = payload?.$case === "task" || payload?.$case === "statusUpdate" ? payload.value.status : undefined;
    if (next && (next.timestamp ?? "") >= (status?.timestamp ?? "")) status = next;
    if (payload?.$case === "task") for (const artifact of payload.value.artifacts) artifacts.add(artifact.artifactId);
    else if (payload?.$case === "artifactUpdate" && payload.value.artifact)
      artifacts.add(payload.value.artifact.artifactId);
  }
}

function* newsOf(task: Task, sent: TaskStatus | undefined, artifacts: Set<string>): Generator<StreamResponse> {
  // Only a newer status: a replica's replay of the task's events can carry older snapshots.
  if (task.status && (task.status.timestamp ?? "") > (sent?.timestamp ?? "")) yield statusUpdateOf(task);
  for (const artifact of task.artifacts) {
    if (artifacts.has(artifact.artifactId)) continue;
    const value = {
      taskId: task.id,
      contextId: task.contextId,
      artifact,
      append: false,
      lastChunk: true,
      metadata: undefined,
    };
    yield { payload: { $case: "artifactUpdate", value } };
  }
}
