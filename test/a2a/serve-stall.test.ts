// A task must not fail, nor be lost, because serve's event loop stood still for a few seconds (a stall under load,
// a heap snapshot): serve is stopped (SIGSTOP) while tasks stream and new ones arrive; every task completes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startClosingProxy, type ClosingProxy } from "../support/closing-proxy.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { v1Peer, type Peer } from "./peers.ts";
import { startServe, TOKEN, waitFor, type ServeProcess } from "./serve-process.ts";

const TASKS = 20;
const STREAMING = 5;
const SLOW = { items: [{ text: Array.from({ length: 48 }, (_, i) => `word${i}`).join(" ") }], chunkDelayMs: 250 };

interface Stall {
  fake: FakeModel;
  proxy: ClosingProxy;
  serve: ServeProcess;
  peer: Peer;
}

/** Serve on the scripted model behind a ClosingProxy, a 1.0 JSON-RPC client, stopped and cleaned up after. */
async function withServe(toml: string, run: (stall: Stall) => Promise<void>): Promise<void> {
  const fake = await startFakeModel();
  const proxy = await startClosingProxy(fake.url);
  const serve = await startServe({ fake: { ...fake, url: proxy.url }, toml });
  try {
    await run({ fake, proxy, serve, peer: await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC") });
  } finally {
    serve.child.kill("SIGCONT");
    await serve.stop();
    await proxy.close();
    await fake.close();
    serve.sandbox.cleanup();
  }
}

/** Runs `count` tasks; counts their last states (a failure with its reason, a lost task with its error). */
async function tasks(peer: Peer, count: number, text: string): Promise<Record<string, number>> {
  const outcomes = await Promise.all(
    Array.from({ length: count }, async () => {
      let last = "no status";
      try {
        for await (const event of peer.stream(text))
          if (event.state) last = event.state === "failed" ? `failed: ${event.text}` : event.state;
      } catch (error) {
        last = `lost: ${(error as Error).message}`;
      }
      return last;
    }),
  );
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** Stops serve for `ms` while `during` sends its tasks, then resumes it; what they ended as. */
async function stopped(serve: ServeProcess, ms: number, during: () => Promise<Record<string, number>>) {
  serve.child.kill("SIGSTOP");
  const outcomes = during();
  await sleep(ms);
  serve.child.kill("SIGCONT");
  return outcomes;
}

test("serve stopped 2 s while the model server closes its pooled connections: no task fails", async () => {
  // The client's connections to serve outlive the stop here: serve's own keep-alive is the next test's.
  await withServe("keep_alive_timeout_secs = 60\n", async ({ fake, proxy, serve, peer }) => {
    // Answered after a pause, so that the first tasks' model requests overlap and leave TASKS connections in the
    // pool: more than the streams take, whatever the machine's load.
    const pooled = { items: [{ text: "pooled" }], delayMs: 300 };
    fake.push(...Array.from({ length: TASKS }, () => pooled), ...Array.from({ length: STREAMING }, () => SLOW));
    fake.push(...Array.from({ length: TASKS }, () => "after the stop"));
    // Earlier tasks leave model connections in serve's pool; some tasks are mid-stream when serve stops.
    assert.deepEqual(await tasks(peer, TASKS, "first"), { completed: TASKS });
    const streaming = tasks(peer, STREAMING, "stream");
    await waitFor(() => (fake.requests.length === TASKS + STREAMING ? true : undefined), "the streams to start");

    // 2 s is under the pool's own limit for an idle connection (the server's announced 5 s, less 1 s): as after
    // a stall, serve still holds connections the server has closed (the proxy tells serve only when it writes).
    const arriving = await stopped(serve, 2000, () => (proxy.closeOpenConnections(), tasks(peer, TASKS, "now")));
    assert.deepEqual([await streaming, arriving], [{ completed: STREAMING }, { completed: TASKS }]);
    assert.ok(proxy.cut() > 0, "requests went out on closed connections");
    assert.equal(fake.requests.length, 2 * TASKS + STREAMING, "one model request per task");
  });
});

test("serve stopped past its keep-alive timeout while requests arrive on idle connections: no task is lost", async () => {
  await withServe("", async ({ fake, serve, peer }) => {
    fake.push(...Array.from({ length: 2 * TASKS }, () => "done"));
    assert.deepEqual(await tasks(peer, TASKS, "first"), { completed: TASKS });
    // Idle 2.5 s: under the client's limit (serve's announced 5 s, less 1 s), so the client reuses them; then
    // stopped until past serve's keep-alive timeout (5 s, and Node's 1 s margin), with the requests already sent.
    await sleep(2500);
    assert.deepEqual(await stopped(serve, 4500, () => tasks(peer, TASKS, "now")), { completed: TASKS });
  });
});
