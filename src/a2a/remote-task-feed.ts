import { TaskState, type StreamResponse, type Task, type TaskStatus } from "@a2a-js/sdk";
import type { AgentExecutionEvent } from "@a2a-js/sdk/server";
import type { AgentBus } from "../bus/agent-bus.ts";
import { isLagged, type Delivery } from "../bus/envelope.ts";
import type { Subscription } from "../bus/subscription.ts";
import type { TaskHistory, TaskHistoryStart } from "../bus/task-history.ts";
import { topics } from "../bus/topics.ts";
import { statusUpdateOf } from "./messages.ts";
import { newsAfter } from "./snapshot-position.ts";
import { isUnfinished } from "./task-rows.ts";

/**
 * How long the feed waits for an event before it reads the stored task: an owner that dies publishes no
 * end (its tasks are failed in the store once its lease lapses), and plain NATS (without a task history)
 * delivers at most once.
 */
export const STORE_CHECK_MS = 1000;

/** How long the feed waits for the owner to store the end it published (it publishes before it commits). */
const STORED_END_WAIT_MS = 5000;

/** The events of a task another replica runs, as that replica's executor publishes them on `task.{id}`. */
export interface RemoteTaskFeed {
  /**
   * Until the task ends or asks for input (as the SDK streams a local task), or the feed is closed. A feed
   * replaying from the task's first event skips what the snapshot (the stored task the client was shown) holds.
   */
  events(snapshot?: Task): AsyncGenerator<StreamResponse, void, undefined>;
  close(): void;
}

/** A task history (JetStream) to follow the task through, and where to start in it. */
export interface Replay {
  history: TaskHistory;
  start: TaskHistoryStart;
}

/**
 * Subscribes to the task's topic (through the task history when there is one) and waits until the bus
 * server has the subscription, so whatever the owner publishes after this resolves (an answer it was asked
 * to resume with, the next status) arrives.
 */
export async function followRemoteTask(
  bus: AgentBus,
  taskId: string,
  load: () => Promise<Task | undefined>,
  checkMs = STORE_CHECK_MS,
  replay?: Replay,
): Promise<RemoteTaskFeed> {
  const subscription = replay ? await replay.history.follow(taskId, replay.start) : await subscribed(bus, taskId);
  let began: TaskStatus | undefined;
  try {
    began = (await load())?.status;
  } catch (error) {
    subscription.close();
    throw error;
  }
  const fromFirst = replay?.start === "first";
  return {
    events: (snapshot) =>
      feed(subscription, taskId, load, checkMs, fromFirst ? newsAfter(snapshot) : () => true, began),
    close: () => subscription.close(),
  };
}

async function subscribed(bus: AgentBus, taskId: string): Promise<Subscription> {
  const subscription = bus.subscribe(topics.task(taskId));
  try {
    await bus.flush();
  } catch (error) {
    subscription.close();
    throw error;
  }
  return subscription;
}

/** `began`: the task's stored status when the feed began (a question then is the one being answered). */
async function* feed(
  subscription: Subscription,
  taskId: string,
  load: () => Promise<Task | undefined>,
  checkMs: number,
  isNews: (response: StreamResponse) => boolean,
  began: TaskStatus | undefined,
): AsyncGenerator<StreamResponse, void, undefined> {
  try {
    let next = subscription.next();
    for (;;) {
      const delivery = await within(next, checkMs);
      if (delivery === undefined || (!delivery.done && isLagged(delivery.value))) {
        // Quiet for a while, or events were dropped: the store says where the task stands.
        const task = await load();
        if (!task || !isUnfinished(task.status?.state) || isNewQuestion(task.status, began)) return yield* ended(task);
        if (delivery) {
          next = subscription.next();
          yield { payload: { $case: "task", value: task } };
        }
        continue;
      }
      if (delivery.done) return;
      next = subscription.next();
      const response = responseOf(delivery.value, taskId);
      if (!response || !isNews(response)) continue;
      const status = response.payload?.$case === "statusUpdate" ? response.payload.value.status : undefined;
      const final = status !== undefined && isFinal(status.state);
      // As with a local task, a client that saw the end finds it stored, on any replica.
      if (final) await stored(status, load);
      yield response;
      if (final) return;
    }
  } finally {
    subscription.close();
  }
}

/** The stored end of a task whose end event did not arrive. */
function* ended(task: Task | undefined): Generator<StreamResponse> {
  if (task?.status) yield statusUpdateOf(task);
}

/** A question for the client stored since the feed began: its event was lost, yet it ends the stream all the same. */
function isNewQuestion(status: TaskStatus | undefined, began: TaskStatus | undefined): boolean {
  return (
    status?.state === TaskState.TASK_STATE_INPUT_REQUIRED &&
    (began?.state !== status.state || began.timestamp !== status.timestamp)
  );
}

/** The stream ends where the SDK ends a local one: a terminal state, or a question for the client. */
function isFinal(state: TaskState | undefined): boolean {
  return !isUnfinished(state) || state === TaskState.TASK_STATE_INPUT_REQUIRED;
}

/** The mirror of an executor event (see src/bus/a2a-task-events.ts) as the response a local stream sends. */
function responseOf(delivery: Delivery, taskId: string): StreamResponse | undefined {
  const event = (delivery as { payload?: AgentExecutionEvent }).payload;
  switch (event?.kind) {
    case "statusUpdate":
      return event.data.taskId === taskId ? { payload: { $case: "statusUpdate", value: event.data } } : undefined;
    case "artifactUpdate":
      return event.data.taskId === taskId ? { payload: { $case: "artifactUpdate", value: event.data } } : undefined;
    case "task":
      return event.data.id === taskId ? { payload: { $case: "task", value: event.data } } : undefined;
    default:
      return undefined;
  }
}

/** Waits (briefly) until the store has the status, or a later one (the task may have moved on already). */
async function stored(status: TaskStatus, load: () => Promise<Task | undefined>): Promise<void> {
  const deadline = Date.now() + STORED_END_WAIT_MS;
  for (;;) {
    const now = (await load())?.status;
    // The owner stores each event's status as is: a later timestamp, or this one with this state, means it has
    // this one (within one millisecond a status may follow another). Only without timestamps does the same
    // state alone do: an earlier question of the task has the same state too.
    const timed = Boolean(now?.timestamp && status.timestamp);
    const same = now?.state === status.state;
    const has =
      !isUnfinished(now?.state) ||
      (timed ? now!.timestamp! > status.timestamp! || (same && now!.timestamp === status.timestamp) : same);
    if (has || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The promise's value, or undefined once `ms` passed first. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
