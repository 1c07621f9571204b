// CPU of one streamed task's A2A updates in serve's process, without the network or the model: the SDK's
// ResultManager (which loads and saves the task on every event) over SqliteTaskStore, each event redacted
// as TaskRun publishes it. Per level: 300 tasks at once, each a task event, `working`, N text updates
// (one per event-loop turn, as they arrive) and `completed`; median of 5 rounds, in CPU ms per task.
// Never asserts on time. Run: node --import tsx bench/task-updates.ts   (BENCH_UPDATES="16 64")
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { TaskState } from "@a2a-js/sdk";
import { AgentEvent, ResultManager, type AgentExecutionEvent } from "@a2a-js/sdk/server";
import { agentMessage, newTask, statusEvent, textPart } from "../src/a2a/messages.ts";
import { SqliteTaskStore } from "../src/a2a/task-store.ts";
import { spread } from "../src/cli/bench/measure.ts";
import { redactStrings } from "../src/util/redact.ts";

const LEVELS = (process.env.BENCH_UPDATES ?? "16 64").split(" ").filter(Boolean).map(Number);
const TASKS = 300;
const ROUNDS = 5;
const dir = mkdtempSync(join(tmpdir(), "ct-task-updates-"));
const store = new SqliteTaskStore(dir);
const context = { user: { isAuthenticated: true, userName: "bearer" } } as never;

let next = 0;
async function streamedTask(updates: number): Promise<void> {
  const id = `task-${next++}`;
  const contextId = `context-${id}`;
  const user = agentMessage(id, contextId, [textPart("stream")]);
  const results = new ResultManager(store, context);
  results.setContext(user);
  const publish = (event: AgentExecutionEvent) => results.processEvent(redactStrings(event));
  await publish(AgentEvent.task(newTask(id, contextId, user)));
  await publish(AgentEvent.statusUpdate(statusEvent(id, contextId, TaskState.TASK_STATE_WORKING)));
  for (let i = 0; i < updates; i++) {
    const text = agentMessage(id, contextId, [textPart(`word${i} word${i + 1} word${i + 2} `)]);
    await publish(AgentEvent.statusUpdate(statusEvent(id, contextId, TaskState.TASK_STATE_WORKING, text)));
    await nextTurn();
  }
  const answer = agentMessage(id, contextId, [textPart("done")]);
  await publish(AgentEvent.statusUpdate(statusEvent(id, contextId, TaskState.TASK_STATE_COMPLETED, answer)));
}

const round = async (updates: number) => {
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: TASKS }, () => streamedTask(updates)));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / TASKS;
};

try {
  await round(16); // warm-up
  for (const updates of LEVELS) {
    const samples: number[] = [];
    for (let i = 0; i < ROUNDS; i++) samples.push(await round(updates));
    const { median, min, max } = spread(samples);
    console.log(
      `${TASKS} tasks × ${updates} updates: ${median.toFixed(2)} CPU ms/task (min ${min.toFixed(2)}, max ${max.toFixed(2)})`,
    );
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
