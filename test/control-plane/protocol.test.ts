// The worker protocol against a real `codetether serve` process: claim races, the task stream's resume
// and keep-alives, and bad input to every endpoint (a clear 4xx, nothing changed).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, type ServeProcess } from "../a2a/serve-process.ts";
import { TOKEN, api } from "../worker/cluster.ts";
import { readSse, type SseEvent } from "../../src/util/sse-reader.ts";

describe("control plane protocol", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(serve, method, path, body, headers);
  const register = async (name: string, extra: Record<string, unknown> = {}) => {
    const { status, body } = await call("POST", "/v1/agent/workers/register", {
      name,
      max_concurrent_tasks: 2,
      ...extra,
    });
    assert.equal(status, 200);
    return body.worker_id as string;
  };
  const createTask = async (prompt = "do it", extra: Record<string, unknown> = {}) =>
    (await call("POST", "/v1/agent/tasks", { prompt, ...extra })).body.task.id as string;
  const as = (workerId: string) => ({ "x-worker-id": workerId });

  before(async () => {
    fake = await startFakeModel();
    serve = await startServe({ fake, toml: "stream_keepalive_secs = 0.2\n" });
  });
  after(async () => {
    await serve.kill();
    serve.sandbox.cleanup();
    await fake.close();
  });

  it("registers workers, records heartbeats and lists them", async () => {
    const id = await register("lister", { capabilities: ["agent"], workspaces: ["/srv/repo"] });
    const beat = await call("POST", `/v1/agent/workers/${id}/heartbeat`, {
      status: "processing",
      active_tasks: 1,
      agent_name: "lister",
      sub_agents: [{ name: "task-x" }],
      cognition: { source: "x", status: { running: true } },
    });
    assert.deepEqual(beat, { status: 200, body: { ok: true, cancel_task_ids: [] } });
    const worker = (await call("GET", "/v1/agent/workers")).body.workers.find((w: any) => w.worker_id === id);
    assert.equal(worker.name, "lister");
    assert.deepEqual(worker.workspaces, ["/srv/repo"]);
    assert.equal(worker.heartbeat.status, "processing");
    assert.deepEqual(worker.heartbeat.cognition.status, { running: true });
    assert.ok(
      !(await call("GET", "/v1/worker/connected")).body.workers.some((w: any) => w.worker_id === id),
      "not connected without a task stream",
    );
  });

  it("lets exactly one of two racing workers claim a task; the other gets 409", async () => {
    const [a, b] = [await register("racer-a"), await register("racer-b")];
    for (let round = 0; round < 20; round++) {
      const taskId = await createTask(`race ${round}`);
      const results = await Promise.all(
        [a, b].map((worker) => call("POST", "/v1/worker/tasks/claim", { task_id: taskId }, as(worker))),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409], `round ${round}`);
      const winner = results.find((r) => r.status === 200)!.body;
      const loser = results.find((r) => r.status === 409)!.body;
      assert.equal(winner.task.id, taskId);
      assert.equal(winner.attempt, 1);
      assert.ok(winner.run_id && winner.timeout_ms > 0);
      assert.match(loser.error.message, /is held by worker/);
      const release = await call(
        "POST",
        "/v1/worker/tasks/release",
        { task_id: taskId, status: "completed", result: "ok" },
        as(winner.task.worker_id),
      );
      assert.equal(release.body.task.status, "completed");
    }
  });

  it("streams pending tasks first, then new ones, with ids that resume after Last-Event-ID, and keep-alives", async () => {
    const worker = await register("streamer");
    const pendingBefore = (await call("GET", "/v1/agent/tasks?status=pending")).body.tasks.length;
    const first = await createTask("stream one");
    const stream = await openStream(worker);
    const replayed = await stream.take(pendingBefore + 1);
    assert.equal(replayed.at(-1)!.id !== undefined && JSON.parse(replayed.at(-1)!.data).id, first);
    assert.ok((await call("GET", "/v1/worker/connected")).body.workers.some((w: any) => w.worker_id === worker));
    const second = await createTask("stream two");
    const [live] = await stream.take(1);
    assert.equal(JSON.parse(live!.data).id, second);
    assert.ok(Number(live!.id) > Number(replayed.at(-1)!.id));
    assert.match(await stream.rawUntil(/: keep-alive/), /: keep-alive\n\n/);
    stream.close();

    // Reconnecting after the first task's event id skips it and everything before: no gap, no repeat.
    const third = await createTask("stream three");
    const resumed = await openStream(worker, replayed.at(-1)!.id);
    const ids = (await resumed.take(2)).map((event) => JSON.parse(event.data).id);
    assert.deepEqual(ids, [second, third]);
    resumed.close();
  });

  it("answers bad input to every endpoint with a clear 4xx and changes nothing", async () => {
    const holder = await register("holder");
    const other = await register("other");
    const held = await createTask("held");
    assert.equal((await call("POST", "/v1/worker/tasks/claim", { task_id: held }, as(holder))).status, 200);
    const heldRun = (await call("GET", `/v1/agent/tasks/${held}`)).body.task.run_id;
    const snapshot = async () => ({
      tasks: (await call("GET", "/v1/agent/tasks")).body.tasks,
      workers: (await call("GET", "/v1/agent/workers")).body.workers,
    });
    const before = await snapshot();

    const cases: Array<[string, string, unknown, Record<string, string>, number, RegExp]> = [
      ["POST", "/v1/agent/workers/register", {}, {}, 400, /missing field 'name'/],
      ["POST", "/v1/agent/workers/register", { name: "x", max_concurrent_tasks: 0 }, {}, 400, /max_concurrent_tasks/],
      ["POST", "/v1/agent/workers/register", { name: "x", colour: "red" }, {}, 400, /unknown field 'colour'/],
      ["POST", "/v1/agent/workers/register", "{not json", {}, 400, /not valid JSON/],
      ["POST", "/v1/agent/workers/register", [], {}, 400, /JSON object/],
      [
        "POST",
        "/v1/agent/workers/nobody/heartbeat",
        { status: "idle", active_tasks: 0 },
        {},
        404,
        /unknown worker 'nobody'/,
      ],
      ["POST", `/v1/agent/workers/${holder}/heartbeat`, { status: "sleeping", active_tasks: 0 }, {}, 400, /status/],
      ["POST", `/v1/agent/workers/${holder}/heartbeat`, { status: "idle" }, {}, 400, /missing field 'active_tasks'/],
      ["GET", "/v1/worker/tasks/stream", undefined, {}, 400, /X-Worker-ID/],
      ["GET", "/v1/worker/tasks/stream", undefined, { "x-worker-id": "nobody" }, 404, /unknown worker/],
      [
        "GET",
        "/v1/worker/tasks/stream",
        undefined,
        { "x-worker-id": holder, "last-event-id": "soon" },
        400,
        /Last-Event-ID/,
      ],
      ["POST", "/v1/worker/tasks/claim", {}, as(other), 400, /missing field 'task_id'/],
      ["POST", "/v1/worker/tasks/claim", { task_id: held }, {}, 400, /X-Worker-ID/],
      ["POST", "/v1/worker/tasks/claim", { task_id: held }, as("nobody"), 404, /unknown worker/],
      ["POST", "/v1/worker/tasks/claim", { task_id: "no-such-task" }, as(other), 404, /unknown task/],
      ["POST", "/v1/worker/tasks/claim", { task_id: held }, as(other), 409, /held by worker/],
      [
        "POST",
        "/v1/worker/tasks/release",
        { task_id: held, status: "completed" },
        as(other),
        409,
        /held by worker '.+', not/,
      ],
      ["POST", "/v1/worker/tasks/release", { task_id: held }, as(holder), 400, /missing field 'status'/],
      ["POST", "/v1/worker/tasks/release", { task_id: held, status: "done" }, as(holder), 400, /status/],
      [
        "POST",
        "/v1/worker/tasks/release",
        { task_id: held, status: "completed", run_id: "stale-run" },
        as(holder),
        409,
        /stale/,
      ],
      [
        "POST",
        "/v1/worker/tasks/release",
        { task_id: "no-such-task", status: "completed" },
        as(holder),
        404,
        /unknown task/,
      ],
      [
        "POST",
        "/v1/worker/tasks/output",
        { task_id: held, run_id: heldRun, batch: 0, events: [{ type: "text-delta", text: "x" }] },
        as(other),
        409,
        /held by worker/,
      ],
      [
        "POST",
        "/v1/worker/tasks/output",
        { task_id: held, run_id: heldRun, batch: 0, events: [] },
        as(holder),
        400,
        /events/,
      ],
      [
        "POST",
        "/v1/worker/tasks/output",
        { task_id: held, run_id: heldRun, batch: 0, events: [{ text: "x" }] },
        as(holder),
        400,
        /events\.0\.type/,
      ],
      ["POST", "/v1/agent/tasks", { prompt: "  " }, {}, 400, /prompt/],
      ["POST", "/v1/agent/tasks", { workspace: "x" }, {}, 400, /missing field 'prompt'/],
      ["GET", "/v1/agent/tasks?status=sleeping", undefined, {}, 400, /invalid 'status'/],
      ["GET", "/v1/agent/tasks/no-such-task", undefined, {}, 404, /unknown task/],
      ["POST", "/v1/agent/tasks/no-such-task/cancel", undefined, {}, 404, /unknown task/],
    ];
    for (const [method, path, body, headers, status, message] of cases) {
      const res = await call(method, path, body, headers);
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, message, `${method} ${path}`);
    }
    const unauthenticated = await fetch(`${serve.endpoints.http}/v1/agent/workers`, {
      headers: { authorization: "Bearer wrong" },
    });
    assert.equal(unauthenticated.status, 401);
    assert.deepEqual(await snapshot(), before, "no bad request changed a task or a worker");
  });

  async function openStream(workerId: string, lastEventId?: string) {
    const controller = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${TOKEN}`,
      "x-worker-id": workerId,
      ...(lastEventId ? { "last-event-id": lastEventId } : {}),
    };
    const res = await fetch(`${serve.endpoints.http}/v1/worker/tasks/stream`, { headers, signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const [forEvents, forRaw] = res.body!.tee();
    const events = readSse(forEvents)[Symbol.asyncIterator]();
    const raw = forRaw.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    return {
      /** The next n `task` events. */
      take: async (n: number): Promise<SseEvent[]> => {
        const taken: SseEvent[] = [];
        while (taken.length < n) {
          const { value, done } = await events.next();
          if (done) throw new Error("stream ended");
          if (value.event === "task") taken.push(value);
        }
        return taken;
      },
      rawUntil: async (pattern: RegExp): Promise<string> => {
        while (!pattern.test(text)) {
          const { value, done } = await raw.read();
          if (done) throw new Error("stream ended");
          text += value;
        }
        return text;
      },
      close: () => controller.abort(),
    };
  }
});
