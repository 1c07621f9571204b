import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskState, type Artifact, type StreamResponse, type Task } from "@a2a-js/sdk";
import { taskFirst } from "../../src/a2a/task-first-stream.ts";

const artifact = (artifactId: string): Artifact =>
  ({ artifactId, name: artifactId, parts: [], description: "", metadata: undefined, extensions: [] }) as Artifact;
const task = (state: TaskState, timestamp: string, artifacts: Artifact[] = []): StreamResponse => ({
  payload: {
    $case: "task",
    value: {
      id: "t",
      contextId: "c",
      status: { state, message: undefined, timestamp },
      artifacts,
      history: [],
      metadata: undefined,
    } as Task,
  },
});

async function kinds(events: StreamResponse[]): Promise<string[]> {
  const out: string[] = [];
  async function* source() {
    yield* events;
  }
  for await (const e of taskFirst(source())) {
    const p = e.payload!;
    out.push(
      p.$case === "artifactUpdate"
        ? `artifact ${p.value.artifact!.artifactId}`
        : p.$case === "statusUpdate"
          ? `status ${TaskState[p.value.status!.state]}`
          : p.$case,
    );
  }
  return out;
}

test("one Task first; a later one adds only a newer status and the artifacts not sent yet", async () => {
  const asked = task(TaskState.TASK_STATE_INPUT_REQUIRED, "2026-01-01T00:00:02Z", [artifact("a")]);
  assert.deepEqual(
    await kinds([
      asked,
      task(TaskState.TASK_STATE_WORKING, "2026-01-01T00:00:01Z"), // an older snapshot replayed: nothing
      asked, // the same again (an answer's republish): nothing
      task(TaskState.TASK_STATE_COMPLETED, "2026-01-01T00:00:09Z", [artifact("a"), artifact("answer")]), // a catch-up
    ]),
    ["task", "status TASK_STATE_COMPLETED", "artifact answer"],
  );
});
