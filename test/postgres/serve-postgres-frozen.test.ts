// serve on a PostgreSQL that stops answering (a network partition or a hung server, played by a proxy that
// stops forwarding but keeps every socket open): requests that need the database fail in bounded time with
// the protocol's error, and SIGTERM still ends serve in bounded time.
import assert from "node:assert/strict";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { test } from "node:test";
import { v1Peer } from "../a2a/peers.ts";
import { startServe, TOKEN, useFakeModel } from "../a2a/serve-process.ts";
import { PostgresFeed } from "../../src/control-plane/postgres-feed.ts";
import { connectPostgres } from "../../src/postgres/connect.ts";
import { freshDatabase, postgresUnavailableReason, TEST_DATABASE_URL } from "./pg-fixture.ts";

const reason = await postgresUnavailableReason();
const model = useFakeModel();

/** A TCP proxy to `target` that `freeze()` turns into a black hole: nothing forwarded, nothing closed. */
async function freezableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const relay = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => frozen || to.write(chunk));
    from.on("end", () => frozen || to.end());
    from.on("error", () => to.destroy());
    from.on("close", () => frozen || to.destroy());
  };
  // allowHalfOpen: a client's FIN is not answered by the proxy itself once frozen (a partition answers nothing).
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    if (frozen) return void client.pause();
    const upstream = createConnection({
      host: target.hostname,
      port: Number(target.port || 5432),
      allowHalfOpen: true,
    });
    sockets.add(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: url.toString(),
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

async function rpc(jsonrpc: string, method: string, params: unknown): Promise<any> {
  const res = await fetch(jsonrpc, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "a2a-version": "1.0" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(60_000),
  });
  return res.json();
}

test(
  "a database that stops answering: GetTask fails with a JSON-RPC error in bounded time, SIGTERM ends serve in bounded time",
  { skip: reason, timeout: 120_000 },
  async (t) => {
    const database = await freshDatabase(t);
    const proxy = await freezableProxy(new URL(database.url));
    t.after(() => proxy.close());
    const serve = await startServe({
      fake: model.fake,
      env: { CODETETHER_DATABASE_URL: proxy.url },
      toml: "[storage]\ntimeout_secs = 2\n",
    });
    t.after(() => serve.kill().catch(() => undefined));
    model.fake.push({ match: { lastUserContains: "before-freeze" }, items: [{ text: "stored" }] });
    const task = await (await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC")).send("before-freeze");
    assert.equal(task.state, "completed");

    proxy.freeze();
    let started = performance.now();
    const answer = await rpc(serve.endpoints.jsonrpc, "GetTask", { id: task.id });
    const answerMs = performance.now() - started;
    assert.equal(answer.result, undefined, "no task from a database that does not answer");
    assert.equal(typeof answer.error?.code, "number", JSON.stringify(answer));
    assert.ok(answerMs < 10_000, `GetTask answered after ${Math.round(answerMs)} ms`);

    started = performance.now();
    const code = await Promise.race([serve.stop(), delay(30_000, "still running", { ref: false })]);
    const stopMs = performance.now() - started;
    assert.ok(stopMs < 10_000, `serve stopped after ${Math.round(stopMs)} ms`);
    assert.equal(typeof code, "number", `serve exited by itself, not by a signal: ${code}`);
    t.diagnostic(
      `GetTask error after ${Math.round(answerMs)} ms, SIGTERM → exit ${code} after ${Math.round(stopMs)} ms`,
    );
  },
);

test(
  "a pool and the feed's LISTEN connection on a database that stops answering: a query fails after the timeout, closing is bounded",
  { skip: reason },
  async (t) => {
    const proxy = await freezableProxy(new URL(TEST_DATABASE_URL));
    t.after(() => proxy.close());
    const pool = await connectPostgres({ url: proxy.url, timeoutMs: 500 });
    const feed = await PostgresFeed.open(pool, { pollMs: 1000, log: () => undefined });
    proxy.freeze();
    let started = performance.now();
    await assert.rejects(pool.query("SELECT 1"), /timeout/);
    assert.ok(performance.now() - started < 5000, "the query failed in bounded time");
    started = performance.now();
    await feed.close();
    await pool.end();
    assert.ok(performance.now() - started < 5000, "closing gave up waiting in bounded time");
  },
);
