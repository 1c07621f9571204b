import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskState } from "@a2a-js/sdk";
import type { AgentExecutionEvent, ExecutionEventBus } from "@a2a-js/sdk/server";
import { textPart } from "../../src/a2a/messages.ts";
import { TaskRun } from "../../src/a2a/task-run.ts";

/** The states a run published, with the text of each status message. */
function recordingBus(): { bus: ExecutionEventBus; states: string[] } {
  const states: string[] = [];
  const bus = {
    publish(event: AgentExecutionEvent) {
      if (event.kind !== "statusUpdate") return;
      const { state, message } = event.data.status!;
      const text = message?.parts.map((part) => (part.content?.$case === "text" ? part.content.value : "")).join("");
      states.push(`${TaskState[state]}${text ? `: ${text}` : ""}`);
    },
  } as unknown as ExecutionEventBus;
  return { bus, states };
}

test("asks made at once (parallel tool calls) are put to the client one at a time, and cancel abandons them all", async () => {
  const { bus, states } = recordingBus();
  const run = new TaskRun("t1", "c1", bus);
  const first = run.askInput([textPart("First?")]);
  const second = run.askInput([textPart("Second?")]);
  assert.deepEqual(states, ["TASK_STATE_INPUT_REQUIRED: First?"]);

  run.resume(bus, "one");
  assert.equal(await first, "one");
  assert.equal(run.waiting, true);
  assert.equal(states.at(-1), "TASK_STATE_INPUT_REQUIRED: Second?");
  run.resume(bus, "two");
  assert.equal(await second, "two");
  assert.equal(run.waiting, false);
  assert.equal(states.at(-1), "TASK_STATE_WORKING");

  const third = run.askInput([textPart("Third?")]);
  const fourth = run.askInput([textPart("Fourth?")]);
  run.cancel("canceled by the client");
  await assert.rejects(third, /canceled by the client/);
  await assert.rejects(fourth, /canceled by the client/);
  assert.equal(run.waiting, false);
});

test("a run ends even when its last event cannot be published; the bus mirror never fails a task", async () => {
  const failing = {
    publish: () => {
      throw new Error("MAX_PAYLOAD_EXCEEDED");
    },
  } as unknown as ExecutionEventBus;
  const run = new TaskRun("t2", "c2", failing);
  assert.throws(() =>
    run.finish({
      kind: "statusUpdate",
      data: { taskId: "t2", contextId: "c2", status: { state: TaskState.TASK_STATE_COMPLETED } },
    } as AgentExecutionEvent),
  );
  assert.equal(run.finished, true);
  await run.done;

  const { publishTasksOnBus } = await import("../../src/bus/a2a-task-events.ts");
  const published: AgentExecutionEvent[] = [];
  const executor = publishTasksOnBus(
    {
      execute: async (_context, events) => events.publish({ kind: "message" } as AgentExecutionEvent),
      cancelTask: async () => {},
    },
    {
      closed: false,
      publishTaskUpdate: () => {
        throw new Error("MAX_PAYLOAD_EXCEEDED");
      },
    } as never,
  );
  await executor.execute(
    { taskId: "t3" } as never,
    { publish: (e: AgentExecutionEvent) => published.push(e) } as unknown as ExecutionEventBus,
  );
  assert.equal(published.length, 1);
});
