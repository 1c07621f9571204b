// Serve replicas sharing one PostgreSQL control plane, each with its own pool, store and feed: a task is
// claimed once however many claim it at once, a lapsed worker's tasks are re-queued once however many
// sweep, offers, task news and worker presence cross replicas, and a cancel on one reaches the worker
// heartbeating to another.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AgentEvent } from "../../src/contracts/agent-events.ts";
import type { ControlPlaneSettings } from "../../src/control-plane/config.ts";
import { ControlPlane } from "../../src/control-plane/control-plane.ts";
import { TaskDispatcher } from "../../src/control-plane/dispatcher.ts";
import { PostgresFeed } from "../../src/control-plane/postgres-feed.ts";
import { waitFor } from "../a2a/serve-process.ts";
import { postgresUnavailableReason } from "../postgres/pg-fixture.ts";
import { postgresDatabase } from "./backends.ts";

const skip = await postgresUnavailableReason();
const SETTINGS: ControlPlaneSettings = {
  dispatch: "workers",
  worker_heartbeat_timeout_secs: 10,
  task_timeout_secs: 60,
  task_max_attempts: 3,
  stream_keepalive_secs: 15,
};

/** Two replicas on one fresh schema, each with its own pool, store and LISTEN connection. */
async function twoReplicas() {
  const database = await postgresDatabase();
  const open = async () => {
    const { pool, store } = await database.replica();
    const feed = await PostgresFeed.open(pool, { pollMs: 60_000, log: () => undefined });
    const plane = await ControlPlane.open({ store, settings: SETTINGS, feed });
    database.closeFirst(() => plane.close());
    return plane;
  };
  const [a, b] = [await open(), await open()];
  const register = (plane: ControlPlane, id: string) =>
    plane.register({ worker_id: id, name: id, capabilities: [], workspaces: [], max_concurrent_tasks: 50 });
  return { a, b, register, pool: database.pool };
}

test("a task claimed at once through two replicas goes to exactly one worker", { skip }, async () => {
  const { a, b, register } = await twoReplicas();
  await register(a, "wa");
  await register(b, "wb");
  const tasks = await Promise.all(
    Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).createTask({ prompt: `t${i}` })),
  );
  const outcomes = await Promise.all(
    tasks.map((task) => Promise.allSettled([a.claim("wa", task.id), b.claim("wb", task.id)])),
  );
  for (const [fromA, fromB] of outcomes) {
    assert.equal([fromA, fromB].filter((outcome) => outcome.status === "fulfilled").length, 1);
    const lost = [fromA, fromB].find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
    assert.match(String(lost.reason), /is held by worker/);
  }
  const running = await a.store.listTasks("running", -1);
  assert.equal(running.length, 30);
  assert.ok(running.every((task) => task.attempts === 1));
});

test("replicas sweeping a lapsed worker at once re-queue each of its tasks once", { skip }, async () => {
  const { a, b, register, pool } = await twoReplicas();
  await register(a, "gone");
  const tasks = await Promise.all(Array.from({ length: 12 }, (_, i) => a.createTask({ prompt: `t${i}` })));
  for (const task of tasks) await b.claim("gone", task.id);
  const later = Date.now() + 11_000;
  await Promise.all([a.sweep(later), b.sweep(later), a.sweep(later + 1), b.sweep(later + 1)]);
  const pending = await a.store.listTasks("pending", -1);
  assert.equal(pending.length, 12);
  assert.ok(pending.every((task) => task.attempts === 1 && task.worker_id === undefined));
  const { rows } = await pool.query<{ offers: string }>("SELECT count(*) AS offers FROM cp_offers GROUP BY task_id");
  assert.deepEqual(
    rows.map((row) => Number(row.offers)),
    Array(12).fill(2),
    "one first offer and one re-offer per task",
  );
});

test(
  "offers, presence, output and the end of a task reach the other replica; a cancel there reaches the worker",
  { skip },
  async () => {
    const { a, b, register, pool } = await twoReplicas();
    await register(b, "w");
    let offered = 0;
    b.onOffer(() => offered++);
    // The dispatcher waits on A; the worker talks to B.
    const run = new TaskDispatcher(a, "workers").run({ prompt: "hello" });
    const seen: AgentEvent[] = [];
    const collected = (async () => {
      for await (const event of run) seen.push(event);
    })();
    const task = await waitFor(async () => (await b.store.pendingOffers(0))[0]?.task, "the task offered on B");
    await waitFor(() => offered > 0 || undefined, "B's streams woken by A's offer");
    await b.streamOpened("w");
    assert.equal(await a.isConnected("w"), true, "a worker streaming from B is connected for A");
    const claim = await b.claim("w", task.id);
    await b.output("w", {
      task_id: task.id,
      run_id: claim.run_id,
      batch: 0,
      events: [{ type: "text-delta", text: "hi" }],
    });
    await b.release("w", { task_id: task.id, run_id: claim.run_id, status: "completed", result: "hi" });
    await collected;
    assert.deepEqual(
      seen.map((event) => event.type),
      ["text-delta", "finish"],
    );
    assert.deepEqual(
      [seen[0], seen[1]].map((event) => "text" in event && event.text),
      ["hi", "hi"],
    );

    const second = await a.createTask({ prompt: "long" });
    await b.claim("w", second.id);
    await a.cancel(second.id);
    assert.deepEqual(await b.heartbeat("w", { status: "processing", active_tasks: 1 }), {
      cancel_task_ids: [second.id],
    });

    // Streams of a replica whose lease lapsed went with it.
    await pool.query("UPDATE codetether_replicas SET lease_until = now()");
    assert.equal(await a.isConnected("w"), false);
  },
);
