import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { AgentRegistry, InProcessBus, topics } from "../../src/bus/index.ts";
import { mountBusRoutes } from "../../src/bus/http/mount.ts";
import { createServerApp } from "../../src/server/app.ts";
import { readSse } from "../../src/util/sse-reader.ts";

const TOKEN = "test-token";
const auth = { authorization: `Bearer ${TOKEN}` };

/** Reads server-sent events from a streaming response, one parsed `{event, data}` at a time. */
function sseReader(response: Response) {
  const events = readSse(response.body!)[Symbol.asyncIterator]();
  return async function next(): Promise<{ event: string; data: any }> {
    const { value, done } = await events.next();
    if (done) throw new Error("stream ended");
    return { event: value.event, data: JSON.parse(value.data) };
  };
}

describe("bus HTTP routes", () => {
  const bus = new InProcessBus();
  const registry = new AgentRegistry(bus);
  let server: Server;
  let base: string;

  before(async () => {
    const app = createServerApp({ token: TOKEN, version: "test" });
    mountBusRoutes(app, { bus, registry });
    server = app.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    registry.close();
    await bus.close();
  });

  it("requires the bearer token on every bus route", async () => {
    for (const [method, path] of [
      ["GET", "/v1/bus/stream?topics=broadcast"],
      ["POST", "/v1/bus/publish"],
      ["GET", "/v1/agents"],
    ] as const) {
      const response = await fetch(`${base}${path}`, { method });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
  });

  it("streams messages matching wildcard topics and publishes over HTTP", async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/bus/stream?topics=agent.*.events,task.>`, {
      headers: auth,
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const next = sseReader(response);
    // The stream subscribes before it sends its headers: publishing now cannot be missed.
    bus.publish({ topic: "agent.a1", kind: "message", sender: "s", payload: "not streamed" });
    bus.publish({
      topic: topics.agentEvents("a1"),
      kind: "event",
      sender: "a1",
      payload: { type: "text-delta", text: "hi" },
    });
    const published = await fetch(`${base}/v1/bus/publish`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        topic: "task.t1.extra",
        kind: "task_update",
        payload: { state: "working" },
        correlation: { task_id: "t1" },
      }),
    });
    assert.equal(published.status, 202);
    const { id } = (await published.json()) as { id: string };
    const first = await next();
    assert.deepEqual(
      [first.event, first.data.topic, first.data.payload],
      ["event", "agent.a1.events", { type: "text-delta", text: "hi" }],
    );
    const second = await next();
    assert.deepEqual(
      [second.event, second.data.id, second.data.sender, second.data.correlation],
      ["task_update", id, "http", { task_id: "t1" }],
    );
    controller.abort();
  });

  it("a stream reader that stops reading gets a lagged event, not a serve that buffers everything for it", async () => {
    const { get } = await import("node:http");
    const response = await new Promise<import("node:http").IncomingMessage>((resolve) =>
      get(`${base}/v1/bus/stream?topics=slow.>`, { headers: auth }, resolve),
    );
    response.pause();
    const big = "x".repeat(256 * 1024);
    for (let i = 0; i < 400; i++) bus.publish({ topic: "slow.x", kind: "message", sender: "s", payload: big });
    let text = "";
    response.setEncoding("utf8");
    const lagged = new Promise<boolean>((resolve) => {
      response.on("data", (chunk: string) => {
        text = (text + chunk).slice(-4096);
        if (/event: lagged\ndata: \{"kind":"lagged","topic":"slow\.>","dropped":\d+\}/.test(text)) resolve(true);
      });
      setTimeout(() => resolve(false), 10_000).unref();
    });
    response.resume();
    // Once the reader has caught up, the next delivery is preceded by the count of those dropped.
    await new Promise((resolve) => setTimeout(resolve, 500));
    bus.publish({ topic: "slow.x", kind: "message", sender: "s", payload: "after" });
    assert.ok(await lagged, "deliveries beyond the unread limit were dropped and counted");
    response.destroy();
  });

  it("HEAD on the stream answers its headers and ends", async () => {
    const response = await fetch(`${base}/v1/bus/stream?topics=a`, { method: "HEAD", headers: auth });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
  });

  it("rejects bad topics and bodies with a 400 and a message", async () => {
    const stream = await fetch(`${base}/v1/bus/stream?topics=agent..x`, { headers: auth });
    assert.equal(stream.status, 400);
    assert.match(
      ((await stream.json()) as { error: { message: string } }).error.message,
      /invalid subscription pattern/,
    );
    const none = await fetch(`${base}/v1/bus/stream`, { headers: auth });
    assert.equal(none.status, 400);
    for (const body of [
      { topic: "agent.*", payload: 1 },
      { topic: "broadcast", kind: "agent_left", payload: 1 },
      { payload: 1 },
      "not json",
    ]) {
      const response = await fetch(`${base}/v1/bus/publish`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(((await response.json()) as { error: { message: string } }).error.message);
    }
  });

  it("lists local and remote agents on /v1/agents", async () => {
    registry.register({ name: "planner", description: "plans", url: "http://127.0.0.1:1/a2a", skills: [] });
    registry.upsertRemote({
      name: "reviewer",
      description: "reviews",
      url: "http://127.0.0.1:2/a2a",
      skills: [{ id: "code-review", name: "Code Review" }],
    });
    const response = await fetch(`${base}/v1/agents`, { headers: auth });
    const { agents } = (await response.json()) as { agents: { name: string; remote?: boolean }[] };
    assert.deepEqual(
      agents.map((a) => [a.name, a.remote ?? false]),
      [
        ["planner", false],
        ["reviewer", true],
      ],
    );
  });
});
