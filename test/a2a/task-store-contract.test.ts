import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test, type TestContext } from "node:test";
import { TaskState, type ListTasksResponse, type Task } from "@a2a-js/sdk";
import type { DurableTaskStore } from "../../src/a2a/durable-task-store.ts";
import { agentMessage, newTask, statusEvent, textPart } from "../../src/a2a/messages.ts";
import { PostgresTaskStore } from "../../src/a2a/postgres-task-store.ts";
import { SqliteTaskStore, WRITE_BEHIND_MS } from "../../src/a2a/task-store.ts";
import type { Pool } from "pg";
import { replicaFixture } from "../postgres/pg-replicas.ts";

/**
 * One backend: a store on fresh storage, `reopen` for another store (process, replica) on the same
 * storage, and `lapse` for what the death of the first store's process looks like to the others.
 */
interface Backend {
  store: DurableTaskStore;
  reopen(): Promise<DurableTaskStore>;
  lapse(): Promise<void>;
}

const backends: Record<string, (t: TestContext) => Promise<Backend | undefined>> = {
  sqlite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "ct-taskstore-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // One process per data dir: a new store is the next process, which owns nothing of the previous one.
    return { store: new SqliteTaskStore(dir), reopen: async () => new SqliteTaskStore(dir), lapse: async () => {} };
  },
  postgres: async (t) => {
    const fixture = await replicaFixture(t);
    if (!fixture) return undefined;
    const replica = async (on: Pool) => {
      const lease = await fixture.lease(on);
      return { store: new PostgresTaskStore(on, lease, 60_000), lease };
    };
    const first = await replica(fixture.pool);
    return {
      store: first.store,
      reopen: async () => (await replica(await fixture.open())).store,
      lapse: () => fixture.lapse(first.lease),
    };
  },
};

let clock = Date.parse("2026-01-01T00:00:00Z");

/** A task in `state`, its status one second newer than the previous task made here. */
function task(state: TaskState, contextId = "ctx"): Task {
  const id = randomUUID();
  const made = newTask(id, contextId, agentMessage(id, contextId, [textPart("hello")]));
  made.status = { ...statusEvent(id, contextId, state).status!, timestamp: new Date((clock += 1000)).toISOString() };
  made.artifacts = [
    {
      artifactId: "a1",
      name: "out",
      description: "",
      parts: [textPart("result")],
      metadata: undefined,
      extensions: [],
    },
  ];
  return made;
}

const stateOf = (found: Task | undefined) => found?.status?.state;

for (const [name, open] of Object.entries(backends)) {
  describe(`A2A task store contract: ${name}`, () => {
    test("a saved task loads back whole, from this store and from a new one", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const saved = task(TaskState.TASK_STATE_SUBMITTED);
      await backend.store.save(saved, undefined as never);
      assert.deepEqual(await backend.store.load(saved.id, undefined as never), saved);
      assert.deepEqual(await (await backend.reopen()).load(saved.id, undefined as never), saved);
      assert.equal(await backend.store.load("no-such-task", undefined as never), undefined);
    });

    test("a working snapshot may be written behind: this store loads it at once, a new one within WRITE_BEHIND_MS or after close", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const [early, late] = [task(TaskState.TASK_STATE_WORKING), task(TaskState.TASK_STATE_WORKING)];
      await backend.store.save(early, undefined as never);
      assert.deepEqual(await backend.store.load(early.id, undefined as never), early);
      const other = await backend.reopen();
      const deadline = Date.now() + WRITE_BEHIND_MS + 1000;
      while (!(await other.load(early.id, undefined as never)) && Date.now() < deadline) await sleep(50);
      assert.deepEqual(await other.load(early.id, undefined as never), early);

      await backend.store.save(late, undefined as never);
      await backend.store.close();
      assert.deepEqual(await (await backend.reopen()).load(late.id, undefined as never), late);
    });

    test("load sees a save at once; of many unawaited saves the last one is stored", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const saved = task(TaskState.TASK_STATE_SUBMITTED);
      const first = backend.store.save(saved, undefined as never);
      assert.equal(stateOf(await backend.store.load(saved.id, undefined as never)), TaskState.TASK_STATE_SUBMITTED);
      const saves = [first];
      for (const state of [TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]) {
        saved.status = statusEvent(saved.id, saved.contextId, state).status;
        saves.push(backend.store.save(saved, undefined as never));
        // The store keeps what was saved, not the object the caller goes on changing.
        saved.status = statusEvent(saved.id, saved.contextId, TaskState.TASK_STATE_FAILED).status;
      }
      await Promise.all(saves);
      const stored = await (await backend.reopen()).load(saved.id, undefined as never);
      assert.equal(stateOf(stored), TaskState.TASK_STATE_COMPLETED);
    });

    test("list: newest status first, stable keyset pages, filters, counts, artifacts only when asked", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const tasks = [
        ...Array.from({ length: 5 }, () => task(TaskState.TASK_STATE_COMPLETED, "a")),
        ...Array.from({ length: 3 }, () => task(TaskState.TASK_STATE_WORKING, "b")),
      ];
      await Promise.all(tasks.map((each) => backend.store.save(each, undefined as never)));
      const newestFirst = tasks.map((each) => each.id).reverse();

      const seen: string[] = [];
      let pageToken = "";
      do {
        const page: ListTasksResponse = await backend.store.list(
          { pageSize: 3, pageToken } as never,
          undefined as never,
        );
        assert.equal(page.totalSize, seen.length === 0 ? 8 : 9);
        assert.ok(page.tasks.every((each) => each.artifacts.length === 0));
        seen.push(...page.tasks.map((each) => each.id));
        pageToken = page.nextPageToken;
        // A task added between pages is newer than the cursor: it neither shifts nor repeats the next page.
        if (seen.length === 3) await backend.store.save(task(TaskState.TASK_STATE_WORKING, "c"), undefined as never);
      } while (pageToken);
      assert.deepEqual(seen, newestFirst);

      const inA = await backend.store.list({ contextId: "a", includeArtifacts: true } as never, undefined as never);
      assert.deepEqual(
        inA.tasks.map((each) => each.id),
        newestFirst.slice(3),
      );
      assert.equal(inA.tasks[0]!.artifacts.length, 1);
      const working = await backend.store.list({ status: TaskState.TASK_STATE_WORKING } as never, undefined as never);
      assert.equal(working.totalSize, 4);
      const after = await backend.store.list(
        { statusTimestampAfter: tasks[5]!.status!.timestamp } as never,
        undefined as never,
      );
      assert.equal(after.totalSize, 3);
      await assert.rejects(
        backend.store.list({ pageToken: "nonsense" } as never, undefined as never),
        /invalid pageToken/,
      );
    });

    test("failInterrupted fails every unfinished task of a dead process with a reason, not ended ones", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const working = task(TaskState.TASK_STATE_WORKING);
      const waiting = task(TaskState.TASK_STATE_INPUT_REQUIRED);
      const done = task(TaskState.TASK_STATE_COMPLETED);
      await Promise.all([working, waiting, done].map((each) => backend.store.save(each, undefined as never)));
      await backend.lapse();

      const failed = await (await backend.reopen()).failInterrupted();
      assert.deepEqual(failed.map((each) => each.id).sort(), [working.id, waiting.id].sort());
      const reloaded = await backend.reopen();
      const stored = await reloaded.load(waiting.id, undefined as never);
      assert.equal(stateOf(stored), TaskState.TASK_STATE_FAILED);
      const reason = stored!.status!.message!.parts[0]!.content;
      assert.match(reason?.$case === "text" ? reason.value : "", /server stopped while this task was input.required/i);
      assert.equal(stored!.history.length, 2);
      assert.equal(stateOf(await reloaded.load(done.id, undefined as never)), TaskState.TASK_STATE_COMPLETED);
      assert.deepEqual(await reloaded.failInterrupted(), []);
    });

    test("endUnfinished ends only the named unfinished tasks, durably", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const paused = task(TaskState.TASK_STATE_INPUT_REQUIRED);
      const other = task(TaskState.TASK_STATE_WORKING);
      const done = task(TaskState.TASK_STATE_COMPLETED);
      await Promise.all([paused, other].map((each) => backend.store.save(each, undefined as never)));
      // Not awaited: endUnfinished must see it.
      void backend.store.save(done, undefined as never);
      const ended = await backend.store.endUnfinished(
        [paused.id, done.id, "missing"],
        TaskState.TASK_STATE_CANCELED,
        "canceled: shutting down",
      );
      assert.deepEqual(
        ended.map((each) => each.id),
        [paused.id],
      );
      const reloaded = await backend.reopen();
      assert.equal(stateOf(await reloaded.load(paused.id, undefined as never)), TaskState.TASK_STATE_CANCELED);
      assert.equal(stateOf(await reloaded.load(other.id, undefined as never)), TaskState.TASK_STATE_WORKING);
      assert.equal(stateOf(await reloaded.load(done.id, undefined as never)), TaskState.TASK_STATE_COMPLETED);
    });

    test("settled waits for a terminal state, and gives up after its timeout", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const running = task(TaskState.TASK_STATE_WORKING);
      await backend.store.save(running, undefined as never);
      const started = Date.now();
      await backend.store.settled([running.id], 150);
      assert.ok(Date.now() - started >= 140, "returned before its timeout although the task is unfinished");

      setTimeout(() => {
        running.status = statusEvent(running.id, running.contextId, TaskState.TASK_STATE_COMPLETED).status;
        void backend.store.save(running, undefined as never);
      }, 50);
      const waiting = Date.now();
      await backend.store.settled([running.id, "unknown"], 5000);
      assert.ok(Date.now() - waiting < 2000, "kept waiting after the task ended");
      await backend.store.close();
    });
  });
}
