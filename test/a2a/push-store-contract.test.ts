import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test, type TestContext } from "node:test";
import type { TaskPushNotificationConfig } from "@a2a-js/sdk";
import type { ServerCallContext } from "@a2a-js/sdk/server";
import type { Pool } from "pg";
import { PostgresPushConfigStore } from "../../src/a2a/postgres-push-config-store.ts";
import { PostgresPushOutbox } from "../../src/a2a/postgres-push-outbox.ts";
import { SqlitePushConfigStore, type PushConfigStore } from "../../src/a2a/push-config-store.ts";
import { SqlitePushOutbox, type OutboxEntry, type PushOutbox } from "../../src/a2a/push-outbox.ts";
import { replicaFixture } from "../postgres/pg-replicas.ts";

/** Stores of one process on fresh storage; `reopen` gives another process's (replica's); `lapse` kills the first. */
interface Backend {
  configs: PushConfigStore;
  outbox: PushOutbox;
  reopen(): Promise<{ configs: PushConfigStore; outbox: PushOutbox }>;
  lapse(): Promise<void>;
  /** Several processes use the storage at once (PostgreSQL); SQLite has one process per data dir. */
  shared: boolean;
}

const backends: Record<string, (t: TestContext) => Promise<Backend | undefined>> = {
  sqlite: async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "ct-pushstore-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const open = async () => ({ configs: new SqlitePushConfigStore(dir, true), outbox: new SqlitePushOutbox(dir) });
    return { ...(await open()), reopen: open, lapse: async () => {}, shared: false };
  },
  postgres: async (t) => {
    const fixture = await replicaFixture(t);
    if (!fixture) return undefined;
    const replica = async (on: Pool) => {
      const lease = await fixture.lease(on);
      const outbox = new PostgresPushOutbox(on, lease, { claimMs: 60_000, pollIntervalMs: 30_000 });
      return { configs: new PostgresPushConfigStore(on, true), outbox, lease };
    };
    const first = await replica(fixture.pool);
    return {
      ...first,
      reopen: async () => replica(await fixture.open()),
      lapse: () => fixture.lapse(first.lease),
      shared: true,
    };
  },
};

const v1 = { requestedVersion: "1.0" } as ServerCallContext;
const v03 = { requestedVersion: "0.3" } as ServerCallContext;

function webhook(url: string, id = ""): TaskPushNotificationConfig {
  return { id, taskId: "", url, token: "tok", authentication: { scheme: "Bearer", credentials: "secret" }, tenant: "" };
}

function entry(taskId: string, configId: string, body: string): OutboxEntry {
  return { taskId, configId, url: `https://hooks.example/${configId}`, headers: { "content-type": "x" }, body };
}

const bodies = (claimed: Array<{ body: string }>) => claimed.map((each) => each.body);

for (const [name, open] of Object.entries(backends)) {
  describe(`A2A push stores contract: ${name}`, () => {
    test("configs: ids given, kept with their wire version in first-saved order, replaced and deleted", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const first = webhook("https://a.example/hook");
      await backend.configs.save("task-1", v1, first);
      assert.ok(first.id, "the generated id is written back into the caller's object");
      assert.equal(first.taskId, "task-1");
      await backend.configs.save("task-1", v03, webhook("https://b.example/hook", "b"));
      await backend.configs.save("task-2", v1, webhook("https://c.example/hook", "c"));
      await backend.configs.save("task-1", v1, webhook("https://a2.example/hook", first.id));

      const other = (await backend.reopen()).configs;
      const stored = await other.loadWithMetadata("task-1");
      assert.deepEqual(
        stored.map((each) => [each.config.id, each.config.url, each.wireVersion]),
        [
          [first.id, "https://a2.example/hook", "1.0"],
          ["b", "https://b.example/hook", "0.3"],
        ],
      );
      assert.deepEqual(stored[0]!.config.authentication, { scheme: "Bearer", credentials: "secret" });
      assert.deepEqual(
        (await other.load("task-1", v1)).map((each) => each.id),
        [first.id, "b"],
      );

      await backend.configs.delete("task-1", v1, "b");
      assert.deepEqual(
        (await other.load("task-1", v1)).map((each) => each.id),
        [first.id],
      );
      await backend.configs.delete("task-1", v1);
      assert.deepEqual(await other.load("task-1", v1), []);
      assert.equal((await other.load("task-2", v1)).length, 1);
    });

    test("configs: a webhook on a private address is refused unless allowed", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      const guarded =
        name === "sqlite"
          ? new SqlitePushConfigStore(mkdtempSync(join(tmpdir(), "ct-pushguard-")), false)
          : new PostgresPushConfigStore((backend.configs as unknown as { pool: Pool }).pool, false);
      await assert.rejects(guarded.save("task-1", v1, webhook("http://127.0.0.1:9/hook")), /private|loopback/);
      assert.deepEqual(await backend.configs.load("task-1", v1), []);
    });

    test("outbox: only each webhook's oldest entry is claimed, once, until it is removed", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      await backend.outbox.enqueue([entry("t1", "a", "a1"), entry("t1", "b", "b1")]);
      await backend.outbox.enqueue([entry("t1", "a", "a2"), entry("t1", "b", "b2")]);
      assert.equal(await backend.outbox.nextDueInMs(), 0);
      const heads = await backend.outbox.claimDue();
      assert.deepEqual(bodies(heads), ["a1", "b1"]);
      assert.deepEqual(heads[0]!.headers, { "content-type": "x" });
      assert.equal(heads[0]!.attempts, 0);
      assert.deepEqual(
        await backend.outbox.claimDue(),
        [],
        "held heads are not claimed again; the rest wait behind them",
      );

      await backend.outbox.remove(heads[0]!.seq);
      assert.deepEqual(bodies(await backend.outbox.claimDue()), ["a2"]);
      await backend.outbox.remove(heads[1]!.seq);
      const last = await backend.outbox.claimDue();
      assert.deepEqual(bodies(last), ["b2"]);
      await backend.outbox.remove(last[0]!.seq);
    });

    test("outbox: a failed entry backs off with its attempts counted, its queue waiting behind it", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      await backend.outbox.enqueue([entry("t1", "a", "first")]);
      await backend.outbox.enqueue([entry("t1", "a", "second")]);
      const [head] = await backend.outbox.claimDue();
      await backend.outbox.retryLater(head!.seq, 1, 300, "HTTP 503");
      assert.deepEqual(await backend.outbox.claimDue(), []);
      const wait = await backend.outbox.nextDueInMs();
      assert.ok(wait !== undefined && wait > 100 && wait <= 300, `due again in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait! + 20));
      const [again] = await backend.outbox.claimDue();
      assert.equal(again!.body, "first");
      assert.equal(again!.attempts, 1);
      await backend.outbox.remove(again!.seq);
      const [next] = await backend.outbox.claimDue();
      await backend.outbox.remove(next!.seq);
      assert.equal(await backend.outbox.nextDueInMs(), undefined);
    });

    test("outbox: entries a dead process held or left queued are delivered by the next one", async (t) => {
      const backend = await open(t);
      if (!backend) return;
      await backend.outbox.enqueue([entry("t1", "a", "held")]);
      await backend.outbox.enqueue([entry("t1", "a", "behind")]);
      const [held] = await backend.outbox.claimDue();
      assert.equal(held!.body, "held");
      await backend.outbox.enqueue([entry("t1", "b", "queued")]);
      const survivor = (await backend.reopen()).outbox;
      if (backend.shared) assert.deepEqual(bodies(await survivor.claimDue()), ["queued"], "a live claim is respected");
      await backend.lapse();
      const taken = await survivor.claimDue();
      assert.deepEqual(bodies(taken), backend.shared ? ["held"] : ["held", "queued"]);
      // The dead process's late answer neither releases, reschedules nor removes what the survivor holds now
      // (a removal would let "behind" go out while "held" is still being sent).
      if (backend.shared) await backend.outbox.retryLater(held!.seq, 1, 0, "HTTP 503");
      if (backend.shared) await backend.outbox.remove(held!.seq);
      assert.deepEqual(await survivor.claimDue(), []);
      for (const each of taken) await survivor.remove(each.seq);
      assert.deepEqual(bodies(await survivor.claimDue()), ["behind"]);
    });
  });
}

test("outbox on PostgreSQL: replicas claiming at once send each entry once", async (t) => {
  const backend = await backends.postgres!(t);
  if (!backend) return;
  const replicas = [backend.outbox, ...(await Promise.all([1, 2, 3].map(async () => (await backend.reopen()).outbox)))];
  const queued = Array.from({ length: 40 }, (_, i) => entry(`t${i % 10}`, `c${i % 4}`, `n${i}`));
  for (const each of queued) await backend.outbox.enqueue([each]);
  const sent: string[] = [];
  await Promise.all(
    replicas.map(async (outbox) => {
      for (;;) {
        const claimed = await outbox.claimDue();
        if (claimed.length === 0 && (await outbox.nextDueInMs()) === undefined) return;
        for (const each of claimed) {
          sent.push(each.body);
          await outbox.remove(each.seq);
        }
      }
    }),
  );
  assert.deepEqual(sent.sort(), queued.map((each) => each.body).sort());
});
