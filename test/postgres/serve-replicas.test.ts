// Two serve replicas on one PostgreSQL database and one NATS bus: a task sent to A is followed,
// answered and canceled through B, with the official SDK clients.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { connect } from "nats";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { v03Peer, v1Peer, type Peer, type PeerEvent } from "../a2a/peers.ts";
import { startServe, TOKEN, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { natsFixture, natsUnavailableReason, NATS_URL } from "../bus/nats-fixture.ts";
import { freshDatabase, postgresUnavailableReason } from "./pg-fixture.ts";

const reason = (await postgresUnavailableReason()) ?? (await natsUnavailableReason());
let fake: FakeModel;
let pair: Replicas;
let onA: Peer;
let onB: Peer;

interface Replicas {
  a: ServeProcess;
  b: ServeProcess;
  nats: ReturnType<typeof natsFixture>;
  /** Stops both (a killed one is already gone) and removes the database and the bus's bucket. */
  stop(): Promise<void>;
}

/** Two serves on a fresh database and one NATS server, under a subject prefix of their own. */
async function startReplicas(extraToml = ""): Promise<Replicas> {
  const database = await freshDatabase();
  const nats = natsFixture();
  const env = { CODETETHER_DATABASE_URL: database.url, CODETETHER_BUS_URL: NATS_URL };
  const toml =
    `[bus]\nsubject_prefix = "${nats.prefix}"\nresults_bucket = "${nats.prefix}"\n` +
    `[permission]\nbash = "ask"\n${extraToml}`;
  const a = await startServe({ fake, env, toml });
  const b = await startServe({ fake, env, toml }).catch(async (error: unknown) => {
    await a.kill();
    throw error;
  });
  return {
    a,
    b,
    nats,
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
      await database.drop();
      await nats.cleanUp();
      a.sandbox.cleanup();
      b.sandbox.cleanup();
    },
  };
}

before(async () => {
  if (reason) return;
  fake = await startFakeModel();
  pair = await startReplicas();
  onA = await v1Peer(pair.a.endpoints.http, TOKEN, "JSONRPC");
  onB = await v1Peer(pair.b.endpoints.http, TOKEN, "HTTP+JSON");
});
after(async () => {
  if (reason) return;
  await pair?.stop();
  await fake.close();
});

test(
  "each replica joins the bus under an agent id of its own, named after its replica id, which its audit records carry",
  { skip: reason },
  async () => {
    const { a, b } = pair;
    assert.notEqual(a.endpoints.agent, b.endpoints.agent);
    for (const { endpoints } of [a, b]) {
      assert.equal(endpoints.agent, `serve-${endpoints.replica!.replaceAll("-", "").slice(0, 8)}`);
      // The audit record of an API call (this one's own, once it is written, if none came before).
      const newest = await waitFor(async () => {
        const audit = await fetch(`${endpoints.http}/v1/audit/events?limit=1`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        return ((await audit.json()) as { events: { replica_id?: string }[] }).events[0];
      }, "an audit record");
      assert.equal(newest.replica_id, endpoints.replica);
    }
  },
);

/** Collects a stream's events in the background; `first` resolves with the first one. */
function collect(stream: AsyncGenerator<PeerEvent>) {
  const events: PeerEvent[] = [];
  let markFirst!: (event: PeerEvent) => void;
  const first = new Promise<PeerEvent>((resolve) => (markFirst = resolve));
  const done = (async () => {
    for await (const event of stream) {
      if (events.push(event) === 1) markFirst(event);
    }
    return events;
  })();
  return { first, done };
}

/** The last event of the task the replicas' JetStream stream keeps. */
async function lastKept(taskId: string) {
  const connection = await connect({ servers: NATS_URL });
  try {
    const manager = await connection.jetstreamManager();
    return await manager.streams.getMessage(pair.nats.taskStream, {
      last_by_subj: `${pair.nats.prefix}.task.${taskId}`,
    });
  } finally {
    await connection.close();
  }
}

/** A task sent to `peer` whose model call hangs, once `other` sees it working. */
async function workingOn(peer: Peer, other: Peer) {
  const tag = `hang-${randomUUID()}`;
  fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working on it" }] });
  const task = await peer.send(tag, { immediate: true });
  await waitFor(() => fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))), "the model request");
  await waitFor(async () => ((await other.get(task.id)).state === "working" ? true : undefined), "working on B");
  return task;
}

/** A task on A paused in input-required: its bash call asks for permission; the answer turn follows. */
async function pausedOn(peer: Peer, answer: string) {
  const tag = `ask-${randomUUID()}`;
  fake.push(
    { match: { lastUserContains: tag }, items: [{ tool: "bash", input: { command: "echo allowed" } }] },
    { match: { lastUserContains: tag }, items: [{ text: answer }] },
  );
  const task = await peer.send(tag);
  assert.equal(task.state, "input-required");
  return task;
}

test(
  "B follows A's paused task, answers it with a streamed message (A's run resumes), and the follower sees it complete",
  { skip: reason },
  async () => {
    const task = await pausedOn(onA, "Resumed on A.");
    assert.equal((await onB.get(task.id)).state, "input-required");

    const follower = collect(onB.resubscribe(task.id));
    assert.deepEqual(await follower.first, { kind: "task", state: "input-required", taskId: task.id });

    const answered: PeerEvent[] = [];
    for await (const event of onB.stream("yes", { taskId: task.id, contextId: task.contextId })) answered.push(event);
    assert.equal(answered[0]!.kind, "task", "the answer's stream opens with the task");
    assert.deepEqual(answered.at(-1), { kind: "status", state: "completed", text: "Resumed on A.", taskId: task.id });
    assert.ok(answered.some((e) => e.kind === "artifact" && e.text === "answer"));

    const followed = await follower.done;
    assert.deepEqual(followed.at(-1), { kind: "status", state: "completed", text: "Resumed on A.", taskId: task.id });
    assert.ok(followed.some((e) => e.kind === "status" && e.state === "working"));
    assert.ok(followed.some((e) => e.kind === "artifact" && e.text === "answer"));

    // The paused run went on where it stopped (a fresh run on B would have found no scripted turn).
    const stored = await onB.get(task.id);
    assert.equal(stored.state, "completed");
    assert.equal(stored.answer, "Resumed on A.");
    assert.equal((await onA.get(task.id)).answer, "Resumed on A.");
    // The follower replayed the task's events kept in JetStream from its first, the earlier turn's too: those
    // the snapshot held (up to its input-required) were skipped, not shown again.
    assert.equal(followed.filter((e) => e.kind === "status" && e.state === "input-required").length, 0);
    assert.equal((await lastKept(task.id)).subject, `${pair.nats.prefix}.task.${task.id}`);
    assert.doesNotMatch(pair.b.stderr(), /Agent execution failed/);
  },
);

test(
  "a blocking send on B (over gRPC) answers A's paused task and returns it completed",
  { skip: reason },
  async () => {
    const task = await pausedOn(onA, "Answered through B.");
    const overGrpc = await v1Peer(pair.b.endpoints.http, TOKEN, "GRPC");
    const done = await overGrpc.send("yes", { taskId: task.id, contextId: task.contextId });
    assert.equal(done.id, task.id);
    assert.equal(done.state, "completed");
    assert.equal(done.answer, "Answered through B.");
  },
);

test(
  "cancel on B (a 0.3 client) reaches the run on A (after a message to it through B joined its history): A's executor ends it canceled, B's follower sees it",
  {
    skip: reason,
  },
  async () => {
    const tag = `hang-${randomUUID()}`;
    fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working on it" }] });
    const task = await onA.send(tag, { immediate: true });
    await waitFor(() => fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))), "the model request");
    await waitFor(async () => ((await onB.get(task.id)).state === "working" ? true : undefined), "working on B");

    const follower = collect(onB.resubscribe(task.id));
    assert.equal((await follower.first).state, "working");
    // A message to the working task (forwarded to A) joins its history; the run goes on.
    const noted = await onB.send("also note this", { taskId: task.id, contextId: task.contextId, immediate: true });
    assert.equal(noted.state, "working");
    // Once, whatever progress the run adds to the history meanwhile.
    assert.equal(noted.history.filter((text) => text === "also note this").length, 1);
    const canceled = await (await v03Peer(pair.b.endpoints.http, TOKEN)).cancel(task.id);
    assert.equal(canceled.state, "canceled");

    const followed = await follower.done;
    assert.deepEqual(followed.at(-1), {
      kind: "status",
      state: "canceled",
      text: "canceled by the client",
      taskId: task.id,
    });
    // A's executor wrote the end (its reason), not B's SDK marking a task it does not run.
    assert.equal((await onA.get(task.id)).state, "canceled");
    await assert.rejects(onB.cancel(task.id), /already canceled/, "canceling it again is TaskNotCancelable (spec)");
  },
);

test(
  "when A dies, B's follower of its task ends failed once A's lease lapses; an answer is refused, a cancel stored",
  { skip: reason },
  async (t) => {
    const doomed = await startReplicas("[storage]\nlease_secs = 1\n");
    t.after(() => doomed.stop());
    const a = await v1Peer(doomed.a.endpoints.http, TOKEN, "JSONRPC");
    const b = await v1Peer(doomed.b.endpoints.http, TOKEN, "JSONRPC");
    const followed = await workingOn(a, b);
    const paused = await pausedOn(a, "never answered");
    const abandoned = await workingOn(a, b);
    const follower = collect(b.resubscribe(followed.id));
    assert.equal((await follower.first).state, "working");

    await doomed.a.kill();
    await assert.rejects(
      b.send("yes", { taskId: paused.id, contextId: paused.contextId }),
      new RegExp(`task ${paused.id} ran on replica \\S+, which has stopped`),
    );
    // Nothing runs it any more: the SDK's stored cancel is the truth, and the lease sweep leaves it so.
    assert.equal((await b.cancel(abandoned.id)).state, "canceled");

    const events = await follower.done;
    assert.equal(events.at(-1)!.state, "failed");
    assert.match(events.at(-1)!.text ?? "", /the server stopped while this task was working/);
    assert.equal((await b.get(abandoned.id)).state, "canceled");
  },
);
