import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test, type TestContext } from "node:test";
import { TaskState } from "@a2a-js/sdk";
import type { Pool } from "pg";
import { agentMessage, newTask, statusEvent, textPart } from "../../src/a2a/messages.ts";
import { PostgresTaskStore } from "../../src/a2a/postgres-task-store.ts";
import { migrate } from "../../src/postgres/migrate.ts";
import { ReplicaLease } from "../../src/postgres/replica-lease.ts";
import { MIGRATIONS } from "../../src/postgres/schema.ts";
import { openSharedDatabase } from "../../src/postgres/shared-database.ts";
import { freshDatabase, freshSchema, postgresUnavailableReason } from "./pg-fixture.ts";

const reason = await postgresUnavailableReason();

/** Replicas on one fresh, migrated schema, each with its own pool, lease and task store. */
async function cluster(t: TestContext, ttlMs = 60_000) {
  const schema = await freshSchema(t);
  const admin = await schema.open();
  await migrate(admin, MIGRATIONS);
  return {
    admin,
    async replica() {
      const pool = await schema.open();
      const lease = await ReplicaLease.acquire(pool, { ttlMs });
      t.after(() => lease.release().catch(() => undefined));
      return { lease, store: new PostgresTaskStore(pool, lease, ttlMs) };
    },
    /** What a replica's death (kill -9) looks like once its lease has run out. */
    lapse: (lease: ReplicaLease) =>
      admin.query("UPDATE codetether_replicas SET lease_until = now() - interval '1 second' WHERE id = $1", [lease.id]),
  };
}

function working() {
  const id = randomUUID();
  const task = newTask(id, "ctx", agentMessage(id, "ctx", [textPart("hi")]));
  task.status = statusEvent(id, "ctx", TaskState.TASK_STATE_WORKING).status;
  return task;
}

test(
  "a replica starting leaves a live replica's tasks alone; once that lease lapses they fail",
  { skip: reason },
  async (t) => {
    const { admin, replica, lapse } = await cluster(t);
    const a = await replica();
    const running = working();
    await a.store.save(running);

    const b = await replica();
    assert.deepEqual(await b.store.failInterrupted(), [], "A is alive: its task is its own");
    assert.equal((await b.store.load(running.id))?.status?.state, TaskState.TASK_STATE_WORKING);

    await lapse(a.lease);
    const failed = await b.store.failInterrupted();
    assert.deepEqual(
      failed.map((task) => task.id),
      [running.id],
    );
    assert.equal((await a.store.load(running.id))?.status?.state, TaskState.TASK_STATE_FAILED);
    assert.deepEqual(await b.store.failInterrupted(), [], "failed once, not again");
    const { rows } = await admin.query("SELECT id FROM codetether_replicas");
    assert.deepEqual(
      rows.map((row) => row.id),
      [b.lease.id],
      "the lapsed lease is forgotten once its tasks are ended",
    );
  },
);

test("replicas sweeping at once end each task of a dead one exactly once", { skip: reason }, async (t) => {
  const { replica, lapse } = await cluster(t);
  const dead = await replica();
  const tasks = Array.from({ length: 40 }, working);
  await Promise.all(tasks.map((task) => dead.store.save(task)));
  await lapse(dead.lease);

  const sweepers = await Promise.all([replica(), replica(), replica()]);
  const swept = await Promise.all(sweepers.map((s) => s.store.failInterrupted()));
  const ids = swept.flat().map((task) => task.id);
  assert.equal(ids.length, tasks.length);
  assert.deepEqual(new Set(ids), new Set(tasks.map((task) => task.id)));
});

test("a lease is renewed while the replica lives and given up when released", { skip: reason }, async (t) => {
  const { admin, replica } = await cluster(t, 300);
  const a = await replica();
  const until = async () =>
    (await admin.query("SELECT lease_until FROM codetether_replicas WHERE id = $1", [a.lease.id])).rows[0]?.lease_until;
  const first = (await until()) as Date;
  await new Promise((resolve) => setTimeout(resolve, 400));
  const later = (await until()) as Date;
  assert.ok(later > first, "renewed before it ran out");
  const b = await replica();
  assert.deepEqual(await b.store.failInterrupted(), []);
  assert.equal(a.store.recoveryIntervalMs, 150);
  await a.lease.release();
  assert.equal(await until(), undefined);
});

test(
  "upgrading from schema version 1: tasks saved before leases existed count as a dead replica's",
  { skip: reason },
  async (t) => {
    const schema = await freshSchema(t);
    const pool = await schema.open();
    assert.deepEqual(await migrate(pool, MIGRATIONS.slice(0, 1)), [1]);
    const old = working();
    await pool.query(
      "INSERT INTO a2a_tasks (id, context_id, state, status_time, body, updated_at) VALUES ($1, 'ctx', $2, $3, $4, 0)",
      [old.id, TaskState.TASK_STATE_WORKING, old.status!.timestamp, JSON.stringify({ id: old.id, contextId: "ctx" })],
    );
    assert.deepEqual(
      await migrate(pool, MIGRATIONS),
      MIGRATIONS.slice(1).map((migration) => migration.version),
    );
    const lease = await ReplicaLease.acquire(pool, { ttlMs: 60_000 });
    t.after(() => lease.release().catch(() => undefined));
    const failed = await new PostgresTaskStore(pool, lease, 60_000).failInterrupted();
    assert.deepEqual(
      failed.map((task) => task.id),
      [old.id],
    );
  },
);

test("a replica whose own lease lapsed (a stall) does not fail its own running tasks", { skip: reason }, async (t) => {
  const { replica, lapse } = await cluster(t);
  const a = await replica();
  const running = working();
  await a.store.save(running);
  await lapse(a.lease);
  assert.deepEqual(await a.store.failInterrupted(), []);
  assert.equal((await a.store.load(running.id))?.status?.state, TaskState.TASK_STATE_WORKING);
});

test(
  "a stalled replica's late save does not overwrite the task another replica failed",
  { skip: reason },
  async (t) => {
    const { replica, lapse } = await cluster(t);
    const [a, b] = [await replica(), await replica()];
    const running = working();
    await a.store.save(running);
    await lapse(a.lease);
    assert.deepEqual(
      (await b.store.failInterrupted()).map((task) => task.id),
      [running.id],
    );
    // A wakes up and finishes the task it thought it still owned.
    running.status = statusEvent(running.id, "ctx", TaskState.TASK_STATE_COMPLETED).status;
    await a.store.save(running);
    const stored = await b.store.load(running.id);
    assert.equal(stored?.status?.state, TaskState.TASK_STATE_FAILED);
    assert.equal(stored?.history.length, 2, "the first message and the one failure");
  },
);

test(
  "a replica ending its tasks at shutdown leaves a task another replica now runs as it is",
  { skip: reason },
  async (t) => {
    const { replica } = await cluster(t);
    const [a, b] = [await replica(), await replica()];
    const task = working();
    task.status = statusEvent(task.id, "ctx", TaskState.TASK_STATE_INPUT_REQUIRED).status;
    await a.store.save(task);
    // The answer reached B (no bus between the replicas), which runs the task now.
    task.status = statusEvent(task.id, "ctx", TaskState.TASK_STATE_WORKING).status;
    await b.store.save(task);
    assert.deepEqual(await a.store.endUnfinished([task.id], TaskState.TASK_STATE_CANCELED, "shutting down"), []);
    assert.equal((await b.store.load(task.id))?.status?.state, TaskState.TASK_STATE_WORKING);
  },
);

test("a renewal under way when the lease is released does not bring the lease back", async () => {
  // A pool whose renewals after the first wait until let through, recording when each statement finishes.
  const finished: string[] = [];
  let issued = 0;
  let letThrough!: () => void;
  const held = new Promise<void>((resolve) => (letThrough = resolve));
  const pool = {
    async query(sql: string) {
      const renewal = sql.trim().startsWith("INSERT");
      if (renewal && ++issued > 1) await held;
      finished.push(renewal ? "renew" : "release");
      return { rows: [], rowCount: 1 };
    },
  } as unknown as Pool;
  const lease = await ReplicaLease.acquire(pool, { ttlMs: 30 });
  while (issued < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  const released = lease.release();
  letThrough();
  await released;
  assert.deepEqual(finished, ["renew", "renew", "release"]);
});

test("the lease renews while every connection of the shared pool is busy", { skip: reason }, async (t) => {
  const database = await freshDatabase(t);
  const shared = (await openSharedDatabase({ url: database.url, lease_secs: 0.6, timeout_secs: 15 }))!;
  t.after(() => shared.close());
  const leaseUntil = async () =>
    (await shared.pool.query("SELECT lease_until FROM codetether_replicas WHERE id = $1", [shared.lease.id])).rows[0]
      .lease_until as Date;
  const before = await leaseUntil();
  // Every pooled connection held (long queries, a burst of tasks) for longer than the whole lease.
  const held = await Promise.all(Array.from({ length: 10 }, () => shared.pool.connect()));
  await new Promise((resolve) => setTimeout(resolve, 900));
  held.forEach((client) => client.release());
  assert.ok((await leaseUntil()) > before, "the lease was renewed although the pool had no free connection");
});
