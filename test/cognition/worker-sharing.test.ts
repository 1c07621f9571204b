// A worker's heartbeat shares the cognition status and the truncated latest thought of a real serve's
// cognition API; that serve's thinker is configured by CODETETHER_COGNITION_THINKER_* and its buffers
// are bounded by CODETETHER_COGNITION_MAX_EVENTS / _MAX_SNAPSHOTS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { startServe, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { api, startWorker, type WorkerProcess } from "../worker/cluster.ts";
import { readStream } from "./stream.ts";

const THOUGHT = `The orchestrator's next useful step is to check the queue. ${"More detail. ".repeat(20)}`;

describe("cognition shared by a worker", () => {
  let fake: FakeModel;
  let serve: ServeProcess;
  let worker: WorkerProcess;
  before(async () => {
    fake = await startFakeModel();
    serve = await startServe({
      fake,
      env: {
        CODETETHER_COGNITION_AUTO_START: "true",
        CODETETHER_COGNITION_LOOP_INTERVAL_MS: "100",
        CODETETHER_COGNITION_MAX_EVENTS: "20",
        CODETETHER_COGNITION_MAX_SNAPSHOTS: "3",
        CODETETHER_COGNITION_THINKER_BASE_URL: `${fake.url}/v1`,
        CODETETHER_COGNITION_THINKER_MODEL: "thinker-model",
        CODETETHER_COGNITION_THINKER_MAX_TOKENS: "64",
      },
    });
    // Enough thoughts to outlast the test (the loop runs every 100 ms).
    for (let i = 0; i < 300; i++) fake.push({ match: { model: "thinker-model" }, items: [{ text: THOUGHT }] });
    worker = startWorker({
      fake,
      server: serve.endpoints.http,
      name: "thinker-host",
      workspace: serve.sandbox.workspace,
      env: {
        CODETETHER_WORKER_COGNITION_SHARE_ENABLED: "true",
        CODETETHER_WORKER_COGNITION_SOURCE_URL: serve.endpoints.http,
        CODETETHER_WORKER_COGNITION_THOUGHT_MAX_CHARS: "40",
      },
    });
  });
  after(async () => {
    await worker.kill();
    await serve.kill();
    await fake.close();
    worker.sandbox.cleanup();
    serve.sandbox.cleanup();
  });

  it("thinks through the CODETETHER_COGNITION_THINKER_* endpoint and model from the start (AUTO_START)", async () => {
    const request = await waitFor(() => fake.requests.find((r) => r.model === "thinker-model"), "a thinker call");
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.body.max_tokens ?? request.body.max_completion_tokens, 64);
    assert.equal(
      fake.requests.filter((r) => r.model !== "thinker-model").length,
      0,
      "serve's own model is not the thinker",
    );
  });

  it("puts the status and the latest thought, truncated, in the worker's heartbeat", async () => {
    const shared = await waitFor(async () => {
      const workers = (await api(serve, "GET", "/v1/agent/workers")).body.workers as any[];
      const cognition = workers.find((w) => w.name === "thinker-host")?.heartbeat?.cognition;
      return cognition?.latest_thought?.startsWith("The orchestrator") ? cognition : undefined;
    }, "a heartbeat with the latest thought");
    assert.equal(shared.source, serve.endpoints.http);
    assert.equal(shared.status.enabled, true);
    assert.equal(shared.status.running, true);
    assert.equal(shared.status.active_persona_count, 1);
    assert.equal(shared.latest_thought.length, 40);
    assert.ok(shared.latest_thought.endsWith("…"), shared.latest_thought);
  });

  it("keeps at most MAX_EVENTS events and MAX_SNAPSHOTS snapshots", async () => {
    await waitFor(async () => {
      const status = (await api(serve, "GET", "/v1/cognition/status")).body;
      return status.events_buffered === 20 && status.snapshots_buffered === 3 ? status : undefined;
    }, "full buffers");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const status = (await api(serve, "GET", "/v1/cognition/status")).body;
    assert.deepEqual([status.events_buffered, status.snapshots_buffered], [20, 3]);
    const replay = await readStream(serve.endpoints.http, (seen) => seen.length >= 20);
    assert.ok(replay[0]!.seq > 1, "the oldest events fell off");
    assert.deepEqual(
      replay.map((e) => e.seq - replay[0]!.seq),
      [...Array(20).keys()],
    );
  });
});
