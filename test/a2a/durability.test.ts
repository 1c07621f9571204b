import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { runCli } from "../support/cli.ts";
import { startWorker } from "../worker/cluster.ts";
import { v1Peer } from "./peers.ts";
import { startServe, TOKEN, waitFor } from "./serve-process.ts";

let fake: FakeModel;

before(async () => {
  fake = await startFakeModel();
});
after(async () => {
  await fake.close();
});

function hang(): { prompt: string; reached: () => Promise<unknown> } {
  const tag = `hang-${randomUUID()}`;
  fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working on it" }] });
  return {
    prompt: tag,
    reached: () =>
      waitFor(() => fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))), "the model request"),
  };
}

test("kill -9 with tasks running: after restart every acknowledged task is there with a truthful state", async () => {
  const first = await startServe({ fake });
  const sandbox = first.sandbox;
  try {
    const peer = await v1Peer(first.endpoints.http, TOKEN, "JSONRPC");
    fake.push({ match: { lastUserContains: "finished-task" }, items: [{ text: "done before the crash" }] });
    const finished = await peer.send("finished-task");
    assert.equal(finished.state, "completed");
    const hookId = await peer.pushCreate(finished.id, "http://127.0.0.1:9/hook", "s");
    const running = [hang(), hang()];
    const acknowledged = [];
    for (const { prompt, reached } of running) {
      acknowledged.push(await peer.send(prompt, { immediate: true }));
      await reached();
    }
    await first.kill();

    const second = await startServe({ fake, sandbox });
    try {
      const again = await v1Peer(second.endpoints.http, TOKEN, "HTTP+JSON");
      const kept = await again.get(finished.id);
      assert.equal(kept.state, "completed");
      assert.equal(kept.answer, "done before the crash");
      assert.deepEqual(await again.pushList(finished.id), [hookId], "push configs survive too");
      for (const task of acknowledged) {
        const after = await again.get(task.id);
        assert.equal(after.state, "failed", "a task cut off by the crash is not silently lost");
      }
      const raw = await fetch(`${second.endpoints.rest}/tasks/${acknowledged[0]!.id}`, {
        headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
      });
      assert.match(JSON.stringify(await raw.json()), /server stopped while this task was (working|submitted)/);
      const listed = await again.list!(50);
      for (const id of [finished.id, ...acknowledged.map((t) => t.id)]) assert.ok(listed.ids.includes(id), id);
    } finally {
      await second.stop();
    }
  } finally {
    sandbox.cleanup();
  }
});

/** A serve with one acknowledged task whose model request hangs. */
async function serveWithRunningTask(transport: Parameters<typeof v1Peer>[2]) {
  const serve = await startServe({ fake });
  const peer = await v1Peer(serve.endpoints.http, TOKEN, transport);
  const { prompt, reached } = hang();
  const task = await peer.send(prompt, { immediate: true });
  await reached();
  return { serve, peer, task };
}

test("SIGTERM cancels running tasks, stores their state, exits 0", async () => {
  const { serve, task } = await serveWithRunningTask("GRPC");
  try {
    assert.equal(await serve.stop(), 0);
    const restarted = await startServe({ fake, sandbox: serve.sandbox });
    try {
      const again = await v1Peer(restarted.endpoints.http, TOKEN, "JSONRPC");
      assert.equal((await again.get(task.id)).state, "canceled");
    } finally {
      await restarted.stop();
    }
  } finally {
    serve.sandbox.cleanup();
  }
});

test("a second serve on the same data dir refuses to start and leaves the first one's running task alone", async () => {
  const { serve: first, peer, task: running } = await serveWithRunningTask("JSONRPC");
  try {
    await assert.rejects(
      startServe({ fake, sandbox: first.sandbox }),
      /another codetether serve is using the data directory/,
    );
    assert.equal((await peer.get(running.id)).state, "working", "the running task was not marked failed");
  } finally {
    await first.kill();
    first.sandbox.cleanup();
  }
});

test("kill -9 with a task queued for workers: after restart the A2A task is failed and its worker task cancelled", async () => {
  // dispatch = "workers" with no worker connected: the task waits in the queue.
  const first = await startServe({ fake, toml: 'dispatch = "workers"\n' });
  const sandbox = first.sandbox;
  const queued = async (http: string) => {
    const res = await fetch(`${http}/v1/agent/tasks`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await res.json()) as { tasks: Array<{ id: string; status: string; metadata?: Record<string, unknown> }> })
      .tasks;
  };
  try {
    const peer = await v1Peer(first.endpoints.http, TOKEN, "JSONRPC");
    const task = await peer.send("waits for a worker", { immediate: true });
    const [waiting] = await waitFor(async () => {
      const tasks = await queued(first.endpoints.http);
      return tasks.length > 0 ? tasks : undefined;
    }, "the queued worker task");
    assert.equal(waiting!.status, "pending");
    assert.equal(waiting!.metadata?.a2a_task_id, task.id);
    await first.kill();

    const second = await startServe({ fake, sandbox, toml: 'dispatch = "workers"\n' });
    try {
      const again = await v1Peer(second.endpoints.http, TOKEN, "JSONRPC");
      assert.equal((await again.get(task.id)).state, "failed");
      const [after] = await queued(second.endpoints.http);
      assert.equal(after!.id, waiting!.id);
      assert.equal(after!.status, "cancelled", "no worker runs a task whose client was told it failed");
    } finally {
      await second.stop();
    }
  } finally {
    sandbox.cleanup();
  }
});

test("SIGTERM with a worker connected: its task stream's end is in the audit trail, no audit append fails", async () => {
  const serve = await startServe({ fake });
  const worker = startWorker({ fake, server: serve.endpoints.http, name: "w", workspace: serve.sandbox.workspace });
  try {
    await waitFor(() => /task stream connected/.test(worker.stderr()) || undefined, "the worker's task stream");
    assert.equal(await serve.stop(), 0);
    assert.doesNotMatch(serve.stderr(), /append failed/);
    const query = await runCli(serve.sandbox, ["audit", "query", "--resource", "/v1/worker/tasks/stream", "--json"]);
    assert.equal(query.code, 0, query.stderr);
    assert.equal(JSON.parse(query.stdout).events[0]?.status, "499", query.stdout);
  } finally {
    await worker.kill();
    worker.sandbox.cleanup();
    serve.sandbox.cleanup();
  }
});
