// Two serve replicas on one PostgreSQL database are one worker queue: a worker streaming from B runs
// the tasks submitted to A (queued directly, or an A2A task A dispatches; results visible on A), and a
// cancel sent to B reaches the worker's run.
import assert from "node:assert/strict";
import { after, before, test, type TestContext } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { v1Peer } from "../a2a/peers.ts";
import {
  FAST_SERVER_TOML,
  TOKEN,
  api,
  createTask,
  ledgerTurns,
  promptOf,
  sharedWorkspace,
  startWorker,
  tagOf,
} from "../worker/cluster.ts";
import { freshDatabase, postgresUnavailableReason } from "./pg-fixture.ts";

const skip = await postgresUnavailableReason();
let fake: FakeModel;

before(async () => {
  fake = await startFakeModel();
});
after(async () => {
  await fake.close();
});

/** Replicas A and B of serve on a fresh database, a shared workspace A serves; everything stopped after the test. */
async function twoReplicas(t: TestContext) {
  const database = await freshDatabase();
  // Processes first, the database last (as a deployment would stop).
  const stops: Array<() => Promise<void>> = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop();
    await database.drop();
  });
  const env = { CODETETHER_DATABASE_URL: database.url };
  const b = await startServe({ fake, env, toml: FAST_SERVER_TOML });
  stops.push(() => b.kill().then(() => b.sandbox.cleanup()));
  const shared = sharedWorkspace(b.sandbox.root);
  // A serves the worker's workspace: its A2A tasks may go to that worker (dispatch "auto").
  const a = await startServe({ fake, env, toml: FAST_SERVER_TOML, args: ["--workspace", shared.path] });
  stops.push(() => a.kill().then(() => a.sandbox.cleanup()));
  const worker = (serve: ServeProcess, name: string) => {
    const started = startWorker({ fake, server: serve.endpoints.http, name, workspace: shared.path });
    stops.push(() => started.kill().then(() => started.sandbox.cleanup()));
    return started;
  };
  return { a, b, shared, worker };
}

const taskOn = async (serve: ServeProcess, id: string) => (await api(serve, "GET", `/v1/agent/tasks/${id}`)).body;

test(
  "a worker connected to replica B runs tasks submitted to A (queued and A2A); a cancel on B reaches its run",
  { skip },
  async (t) => {
    const { a, b, shared, worker: startOn } = await twoReplicas(t);
    const worker = startOn(b, "on-b");
    await waitFor(
      async () => ((await api(b, "GET", "/v1/worker/connected")).body.workers.length === 1 ? true : undefined),
      "the worker connected to B",
    );
    const onA = (await api(a, "GET", "/v1/worker/connected")).body.workers;
    assert.deepEqual(
      onA.map((worker: any) => worker.name),
      ["on-b"],
      "A sees the worker streaming from B as connected",
    );

    const tag = tagOf(1);
    fake.push(...ledgerTurns(tag));
    const id = await createTask(a, tag);
    const done = await waitFor(async () => {
      const body = await taskOn(a, id);
      return body.task.status === "completed" ? body : undefined;
    }, "A's task completed by B's worker");
    assert.equal(done.task.result, `done ${tag}`);
    assert.equal(done.task.attempts, 1);
    assert.ok(
      done.output.some((event: any) => event.type === "tool-completed" && event.tool === "bash"),
      "the events the worker streamed to B are A's to read",
    );
    assert.deepEqual(shared.ledger(), [tag], "the task ran once");

    // An A2A task sent to A: A's dispatcher queues it, B's worker runs it, A hears its events and end.
    const viaA2A = tagOf(3);
    fake.push(...ledgerTurns(viaA2A));
    const peer = await v1Peer(a.endpoints.http, TOKEN, "JSONRPC");
    const answered = await peer.send(promptOf(viaA2A));
    assert.equal(answered.state, "completed");
    assert.equal(answered.answer, `done ${viaA2A}`);
    const queued = (await api(a, "GET", "/v1/agent/tasks?status=completed")).body.tasks as any[];
    assert.equal(queued.find((task) => task.prompt === promptOf(viaA2A))?.worker_id, done.task.worker_id);
    assert.deepEqual(shared.ledger(), [tag, viaA2A]);

    const slow = tagOf(2);
    fake.push(...ledgerTurns(slow, { hangFirst: true }));
    const slowId = await createTask(a, slow);
    await waitFor(
      () => fake.requests.find((request) => (request.prompt.users.at(-1) ?? "").includes(`[${slow}]`)),
      "the worker's model request for the slow task",
    );
    const cancelled = await api(b, "POST", `/v1/agent/tasks/${slowId}/cancel`, {});
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.task.cancel_requested, true);
    const ended = await waitFor(async () => {
      const { task } = await taskOn(a, slowId);
      return task.status === "running" ? undefined : task;
    }, "the worker ending the cancelled run");
    assert.equal(ended.status, "cancelled");
    assert.deepEqual(shared.ledger(), [tag, viaA2A], "the cancelled run never reached its side effect");
    assert.equal(await worker.stop(), 0, worker.stderr());
  },
);

test(
  "the task of a worker killed on B is re-queued once (both replicas sweep) and completed by a worker on A",
  { skip },
  async (t) => {
    const { a, b, shared, worker } = await twoReplicas(t);
    const lost = worker(b, "lost");
    const tag = tagOf(4);
    fake.push(...ledgerTurns(tag, { hangFirst: true }));
    const id = await createTask(a, tag);
    await waitFor(
      () => fake.requests.find((request) => (request.prompt.users.at(-1) ?? "").includes(`[${tag}]`)),
      "the lost worker's model request",
    );
    const first = (await taskOn(b, id)).task;
    await lost.kill();
    worker(a, "survivor");
    const finished = await waitFor(async () => {
      const { task } = await taskOn(b, id);
      return task.status === "completed" ? task : undefined;
    }, "the task completed by the worker on A");
    assert.notEqual(finished.worker_id, first.worker_id);
    assert.equal(finished.attempts, 2, "one lost claim, re-queued once");
    assert.deepEqual(shared.ledger(), [tag]);
  },
);
