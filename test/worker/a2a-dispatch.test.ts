// `[server] dispatch = "workers"`: an A2A client's task runs on a worker process and the client sees
// its progress and final answer; the worker's probe server and cognition sharing along the way.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { makeSandbox } from "../support/cli.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { v1Peer } from "../a2a/peers.ts";
import {
  TOKEN,
  api,
  ledgerTurns,
  promptOf,
  sharedWorkspace,
  startWorker,
  tagOf,
  type WorkerProcess,
} from "./cluster.ts";

describe("dispatch to workers", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  let worker: WorkerProcess;
  let probe: string;
  let shared: ReturnType<typeof sharedWorkspace>;
  const cognition = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        running: true,
        personas: 2,
        nested: { ignored: true },
        latest_thought: { content: "t".repeat(1000) },
      }),
    );
  });

  before(async () => {
    fake = await startFakeModel();
    await new Promise<void>((resolve) => cognition.listen(0, "127.0.0.1", resolve));
    // Tasks go to workers that serve the server's workspace: both use the shared one.
    const sandbox = makeSandbox();
    shared = sharedWorkspace(sandbox.root);
    serve = await startServe({ fake, sandbox, toml: 'dispatch = "workers"\n', args: ["--workspace", shared.path] });
    worker = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "probed",
      workspace: shared.path,
      probe: true,
      env: {
        CODETETHER_WORKER_COGNITION_SHARE_ENABLED: "true",
        CODETETHER_WORKER_COGNITION_SOURCE_URL: `http://127.0.0.1:${(cognition.address() as AddressInfo).port}`,
        CODETETHER_WORKER_COGNITION_THOUGHT_MAX_CHARS: "50",
      },
    });
    probe = await waitFor(() => /probe server on (\S+)/.exec(worker.stderr())?.[1], "the probe server");
  });
  after(async () => {
    await worker.kill();
    await serve.kill();
    cognition.close();
    await fake.close();
    worker.sandbox.cleanup();
    serve.sandbox.cleanup();
  });

  it("answers the probes: health, readiness once connected, status, wake", async () => {
    assert.deepEqual(await (await fetch(`${probe}/health`)).json(), { status: "ok" });
    await waitFor(async () => ((await fetch(`${probe}/ready`)).status === 200 ? true : undefined), "readiness");
    const status = (await (await fetch(`${probe}/worker/status`)).json()) as any;
    assert.equal(status.connected, true);
    assert.match(status.worker_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(status.heartbeat, { status: "idle", active_tasks: 0, agent_name: "probed" });
    assert.equal((await fetch(`${probe}/task`, { method: "POST" })).status, 202);
    assert.equal((await fetch(`${probe}/nothing`)).status, 404);
  });

  it("shares the truncated latest thought in heartbeats", async () => {
    const shared = await waitFor(async () => {
      const workers = (await api(serve, "GET", "/v1/agent/workers")).body.workers as any[];
      return workers.find((w) => w.name === "probed")?.heartbeat?.cognition;
    }, "a heartbeat with cognition");
    assert.equal(shared.latest_thought.length, 50);
    assert.ok(shared.latest_thought.endsWith("…"));
    assert.deepEqual(shared.status, { running: true, personas: 2 });
  });

  it("runs an A2A task on the worker: the client streams its progress and gets the answer", async () => {
    const tag = tagOf(500);
    fake.push(...ledgerTurns(tag));
    const peer = await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC");
    const states: string[] = [];
    let taskId = "";
    for await (const event of peer.stream(promptOf(tag))) {
      if (event.state) states.push(event.state);
      taskId ||= event.taskId ?? "";
    }
    assert.equal(states.at(-1), "completed");
    assert.ok(states.includes("working"));
    const task = await peer.get(taskId);
    assert.equal(task.answer, `done ${tag}`);
    assert.deepEqual(shared.ledger(), [tag], "the worker ran the tool in its workspace");
    const queued = (await api(serve, "GET", "/v1/agent/tasks?status=completed")).body.tasks as any[];
    assert.equal(queued.length, 1);
    assert.equal(queued[0].result, `done ${tag}`);
  });

  it("a second worker process on the same data dir and name is refused; a worker killed and restarted at once gets its lost task back", async () => {
    const twin = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "probed",
      workspace: shared.path,
      sandbox: worker.sandbox,
    });
    assert.equal(await waitFor(() => twin.child.exitCode ?? undefined, "the twin to exit"), 1);
    assert.match(twin.stderr(), /another codetether worker named 'probed' is using the data directory/);

    const tag = tagOf(501);
    fake.push(...ledgerTurns(tag, { hangFirst: true }));
    const peer = await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC");
    const sent = await peer.send(promptOf(tag), { immediate: true });
    await waitFor(() => fake.requests.find((r) => r.prompt.users.at(-1)?.includes(`[${tag}]`)), "the hanging turn");
    await worker.kill();
    // Restarted long before serve's 90 s heartbeat timeout: its registration says it runs nothing.
    worker = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "probed",
      workspace: shared.path,
      sandbox: worker.sandbox,
      probe: true,
    });
    const done = await waitFor(async () => {
      const task = await peer.get(sent.id);
      return task.state === "completed" ? task : undefined;
    }, "the task, run again after the restart");
    assert.equal(done.answer, `done ${tag}`);
    const queued = (await api(serve, "GET", "/v1/agent/tasks?status=completed")).body.tasks as any[];
    assert.equal(queued.find((t) => t.prompt === promptOf(tag)).attempts, 2);
  });

  it("continues a context's conversation on the worker that holds its session", async () => {
    const first = `first-turn-${Date.now()}`;
    const second = `second-turn-${Date.now()}`;
    fake.push(
      { match: { lastUserContains: first }, items: [{ text: "noted" }] },
      { match: { lastUserContains: second }, items: [{ text: "still here" }] },
    );
    const peer = await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC");
    const one = await peer.send(first);
    assert.equal(one.state, "completed");
    const two = await peer.send(second, { contextId: one.contextId });
    assert.equal(two.state, "completed");
    assert.equal(two.answer, "still here");
    const request = fake.requests.find((r) => r.prompt.users.some((u) => u.includes(second)))!;
    assert.ok(
      request.prompt.users.some((u) => u.includes(first)),
      "the second turn's model request carries the first turn",
    );
    const tasks = (await api(serve, "GET", "/v1/agent/tasks?status=completed")).body.tasks as any[];
    const [later, earlier] = [tasks.find((t) => t.prompt === second), tasks.find((t) => t.prompt === first)];
    assert.equal(later.pinned_worker, earlier.worker_id);
    assert.equal(later.resume_session, earlier.session_id);
    assert.equal(later.session_id, earlier.session_id);
  });
});
