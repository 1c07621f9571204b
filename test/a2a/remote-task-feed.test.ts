// The feed of a task another replica runs (src/a2a/remote-task-feed.ts), on the in-process bus: the
// owner's mirrored events in order, the end only once stored, and the store's word when events stop; on
// NATS with a JetStream task history, the events published after the snapshot but before the follower
// subscribed too, each once.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { connect } from "nats";
import { TaskState, type StreamResponse, type Task } from "@a2a-js/sdk";
import { AgentEvent, type AgentExecutionEvent } from "@a2a-js/sdk/server";
import type { AgentBus } from "../../src/bus/agent-bus.ts";
import { InProcessBus } from "../../src/bus/in-process-bus.ts";
import { TASK_HISTORY_MAX_AGE_MS, TASK_HISTORY_MAX_BYTES } from "../../src/bus/nats-task-history.ts";
import { natsFixture, natsUnavailableReason, NATS_URL } from "../bus/nats-fixture.ts";
import { topics } from "../../src/bus/topics.ts";
import { followRemoteTask } from "../../src/a2a/remote-task-feed.ts";
import { artifactEvent, newTask, statusEvent, textPart, agentMessage } from "../../src/a2a/messages.ts";

const TASK = "task-1";

function storedAs(state: TaskState): Task {
  const task = newTask(TASK, "ctx", agentMessage(TASK, "ctx", [textPart("hi")]));
  task.status = statusEvent(TASK, "ctx", state).status;
  return task;
}

/** The store's view before the owner committed what it published: an earlier status. */
function storedEarlier(state: TaskState): Task {
  const task = storedAs(state);
  task.status!.timestamp = "2026-01-01T00:00:00.000Z";
  return task;
}

function mirror(bus: AgentBus, event: AgentExecutionEvent): void {
  bus.publish({ topic: topics.task(TASK), kind: "task_update", payload: event, sender: "owner" });
}

const status = (state: TaskState, timestamp?: string) => {
  const event = statusEvent(TASK, "ctx", state);
  if (timestamp) event.status!.timestamp = timestamp;
  return AgentEvent.statusUpdate(event);
};

async function all(events: AsyncGenerator<StreamResponse>): Promise<string[]> {
  const seen: string[] = [];
  for await (const { payload } of events) {
    seen.push(payload?.$case === "statusUpdate" ? `status:${payload.value.status?.state}` : String(payload?.$case));
  }
  return seen;
}

test("the owner's events come in order; the end waits until the store has it, then the feed stops", async () => {
  const bus = new InProcessBus();
  let stored = storedEarlier(TaskState.TASK_STATE_WORKING);
  const feed = await followRemoteTask(bus, TASK, async () => stored, 60_000);
  const seen = all(feed.events());
  mirror(bus, status(TaskState.TASK_STATE_WORKING));
  mirror(
    bus,
    AgentEvent.artifactUpdate(artifactEvent(TASK, "ctx", { name: "answer", description: "", parts: [textPart("42")] })),
  );
  mirror(bus, AgentEvent.statusUpdate(statusEvent("another-task", "ctx", TaskState.TASK_STATE_FAILED)));
  mirror(bus, status(TaskState.TASK_STATE_COMPLETED));
  // Published before the owner's commit: the feed holds the end back until the store shows it.
  setTimeout(() => (stored = storedAs(TaskState.TASK_STATE_COMPLETED)), 100);
  mirror(bus, status(TaskState.TASK_STATE_WORKING));
  assert.deepEqual(await seen, [
    `status:${TaskState.TASK_STATE_WORKING}`,
    "artifactUpdate",
    `status:${TaskState.TASK_STATE_COMPLETED}`,
  ]);
  assert.equal(stored.status?.state, TaskState.TASK_STATE_COMPLETED);
  await bus.close();
});

test("a question for the client ends the feed, as it ends a local stream", async () => {
  const bus = new InProcessBus();
  const feed = await followRemoteTask(bus, TASK, async () => storedAs(TaskState.TASK_STATE_INPUT_REQUIRED), 60_000);
  const seen = all(feed.events());
  mirror(bus, status(TaskState.TASK_STATE_INPUT_REQUIRED));
  assert.deepEqual(await seen, [`status:${TaskState.TASK_STATE_INPUT_REQUIRED}`]);
  await bus.close();
});

test("a new question to a task that waited for input before comes once the store has it, not the old one", async () => {
  const bus = new InProcessBus();
  // The answered question is stored; the owner publishes the next one before it commits it.
  let stored = storedEarlier(TaskState.TASK_STATE_INPUT_REQUIRED);
  const feed = await followRemoteTask(bus, TASK, async () => stored, 60_000);
  const next = feed.events().next();
  const committed = storedAs(TaskState.TASK_STATE_INPUT_REQUIRED);
  mirror(
    bus,
    AgentEvent.statusUpdate({ taskId: TASK, contextId: "ctx", status: committed.status, metadata: undefined }),
  );
  setTimeout(() => (stored = committed), 100);
  const { value } = await next;
  assert.equal(value?.payload?.$case, "statusUpdate");
  assert.equal(stored, committed, "a client that saw the question finds it stored");
  await bus.close();
});

test("when the owner goes quiet and the store says the task ended (its replica died), the stored end closes the feed", async () => {
  const bus = new InProcessBus();
  let stored = storedAs(TaskState.TASK_STATE_WORKING);
  const feed = await followRemoteTask(bus, TASK, async () => stored, 20);
  const seen = all(feed.events());
  setTimeout(() => (stored = storedAs(TaskState.TASK_STATE_FAILED)), 100);
  assert.deepEqual(await seen, [`status:${TaskState.TASK_STATE_FAILED}`]);
  await bus.close();
});

test(
  "a new question whose event was lost ends the feed once the store has it; the question it began on does not",
  { timeout: 5000 },
  async () => {
    const bus = new InProcessBus();
    // The owner was asked to resume a task waiting for input: its stored question is the one answered.
    let stored = storedEarlier(TaskState.TASK_STATE_INPUT_REQUIRED);
    const feed = await followRemoteTask(bus, TASK, async () => stored, 20);
    const seen: string[] = [];
    const done = (async () => {
      for await (const { payload } of feed.events())
        if (payload?.$case === "statusUpdate")
          seen.push(`${payload.value.status?.state}@${payload.value.status?.timestamp}`);
    })();
    // Several quiet checks still see the answered question; then the run asks again, and that event is lost.
    setTimeout(() => (stored = storedAs(TaskState.TASK_STATE_INPUT_REQUIRED)), 150);
    await done;
    assert.deepEqual(seen, [`${TaskState.TASK_STATE_INPUT_REQUIRED}@${stored.status?.timestamp}`]);
    await bus.close();
  },
);

test("a follower that lagged gets the stored task instead of the dropped events", async () => {
  const bus = new InProcessBus({ queueSize: 1 });
  const feed = await followRemoteTask(bus, TASK, async () => storedAs(TaskState.TASK_STATE_WORKING), 60_000);
  for (let i = 0; i < 3; i++) mirror(bus, status(TaskState.TASK_STATE_WORKING));
  const events = feed.events();
  assert.equal((await events.next()).value?.payload?.$case, "task");
  assert.equal((await events.next()).value?.payload?.$case, "statusUpdate", "then the event the queue kept");
  feed.close();
  assert.equal((await events.next()).done, true);
  await bus.close();
});

test("closing the feed ends its subscription", async () => {
  const bus = new InProcessBus();
  const feed = await followRemoteTask(bus, TASK, async () => storedAs(TaskState.TASK_STATE_WORKING), 60_000);
  const events = feed.events();
  const next = events.next();
  feed.close();
  assert.equal((await next).done, true);
  await assert.rejects(bus.request({ topic: topics.task(TASK), kind: "message", payload: 1, sender: "x" }), {
    name: "BusNoResponderError",
  });
  await bus.close();
});

const natsReason = await natsUnavailableReason();
const nats = natsFixture();
after(() => (natsReason ? undefined : nats.cleanUp()));

test(
  "with a task history, the events published after the snapshot but before the follower came arrive in order, each once",
  { skip: natsReason },
  async (t) => {
    const owner = await nats.open();
    const follower = await nats.open();
    t.after(() => Promise.all([owner.close(), follower.close()]));
    const history = await follower.openTaskHistory!();
    const at = (second: number) => `2026-01-01T00:00:0${second}.000Z`;
    const submitted = storedAs(TaskState.TASK_STATE_SUBMITTED);
    submitted.status!.timestamp = at(0);
    mirror(owner, AgentEvent.task(submitted));
    mirror(owner, status(TaskState.TASK_STATE_WORKING, at(1)));
    // The client is shown the stored task; meanwhile the owner goes on, before the follower subscribes.
    const snapshot = storedAs(TaskState.TASK_STATE_WORKING);
    snapshot.status!.timestamp = at(1);
    mirror(
      owner,
      AgentEvent.artifactUpdate(
        artifactEvent(TASK, "ctx", { name: "answer", description: "", parts: [textPart("42")] }),
      ),
    );
    mirror(owner, status(TaskState.TASK_STATE_WORKING, at(2)));
    mirror(owner, status(TaskState.TASK_STATE_WORKING, at(3)));
    await owner.flush();
    let stored = snapshot;
    const feed = await followRemoteTask(follower, TASK, async () => stored, 60_000, { history, start: "first" });
    const seen = all(feed.events(snapshot));
    stored = storedAs(TaskState.TASK_STATE_COMPLETED);
    mirror(owner, status(TaskState.TASK_STATE_COMPLETED, at(4)));
    assert.deepEqual(await seen, [
      "artifactUpdate",
      `status:${TaskState.TASK_STATE_WORKING}`,
      `status:${TaskState.TASK_STATE_WORKING}`,
      `status:${TaskState.TASK_STATE_COMPLETED}`,
    ]);
  },
);

test(
  "a task history followed from the next event skips what came before; its stream is made once, bounded",
  { skip: natsReason },
  async (t) => {
    const owner = await nats.open();
    t.after(() => owner.close());
    const history = await owner.openTaskHistory!();
    const again = await owner.openTaskHistory!();
    assert.equal(again.stream, nats.taskStream);
    mirror(owner, status(TaskState.TASK_STATE_INPUT_REQUIRED));
    await owner.flush();
    const feed = await followRemoteTask(owner, TASK, async () => storedAs(TaskState.TASK_STATE_WORKING), 60_000, {
      history,
      start: "next",
    });
    const seen = all(feed.events());
    mirror(owner, status(TaskState.TASK_STATE_CANCELED));
    assert.deepEqual(await seen, [`status:${TaskState.TASK_STATE_CANCELED}`]);
    const connection = await connect({ servers: NATS_URL });
    const { config } = await (await connection.jetstreamManager()).streams.info(history.stream);
    assert.equal(config.max_age, TASK_HISTORY_MAX_AGE_MS * 1_000_000);
    assert.equal(config.max_bytes, TASK_HISTORY_MAX_BYTES);
    await connection.close();
  },
);
