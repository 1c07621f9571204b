import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { v1Peer } from "../a2a/peers.ts";
import { TOKEN, waitFor, type ServeProcess } from "../a2a/serve-process.ts";
import { deliveredState, type Receiver } from "../a2a/webhook-receiver.ts";
import { postgresUnavailableReason } from "./pg-fixture.ts";
import { twoReplicas } from "./two-serves.ts";

const reason = await postgresUnavailableReason();

/** SendMessage (1.0 JSON-RPC) with a webhook for the new task; resolves with the finished task. */
async function sendWithWebhook(serve: ServeProcess, text: string, receiver: Receiver): Promise<any> {
  const params = {
    message: { messageId: randomUUID(), role: "ROLE_USER", parts: [{ text }] },
    configuration: {
      taskPushNotificationConfig: {
        url: receiver.url,
        authentication: { scheme: "Bearer", credentials: "hook-secret" },
      },
    },
  };
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "a2a-version": "1.0" };
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "SendMessage", params });
  const res = await fetch(serve.endpoints.jsonrpc, { method: "POST", headers, body });
  return ((await res.json()) as any).result.task;
}

const delivered = (receiver: Receiver, taskId: string) =>
  receiver.deliveries.filter(
    (d) =>
      d.status === 200 && (d.body.task?.id ?? d.body.statusUpdate?.taskId ?? d.body.artifactUpdate?.taskId) === taskId,
  );

test(
  "two serves on one database: a webhook set on A is listed on B, and A's task's pushes arrive",
  { skip: reason },
  async (t) => {
    const { a, b, receiver, fake } = await twoReplicas(t);
    const onA = await v1Peer(a.endpoints.http, TOKEN, "JSONRPC");
    const onB = await v1Peer(b.endpoints.http, TOKEN, "HTTP+JSON");

    const tag = `pg-push-hang-${randomUUID()}`;
    fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working" }] });
    const running = await onA.send(tag, { immediate: true });
    const configId = await onA.pushCreate(running.id, `${receiver.url}/set-on-a`, "secret");
    assert.equal(await onB.pushGet(running.id, configId), `${receiver.url}/set-on-a`);
    assert.deepEqual(await onB.pushList(running.id), [configId]);
    const second = await onB.pushCreate(running.id, `${receiver.url}/set-on-b`, "secret");
    assert.deepEqual((await onA.pushList(running.id)).sort(), [configId, second].sort());
    await onB.pushDelete(running.id, configId);
    assert.deepEqual(await onA.pushList(running.id), [second]);

    const done = `pg-push-done-${randomUUID()}`;
    fake.push({ match: { lastUserContains: done }, items: [{ text: "finished on A" }] });
    const task = await sendWithWebhook(a, done, receiver);
    assert.equal(task.status.state, "TASK_STATE_COMPLETED");
    const pushes = await waitFor(() => {
      const got = delivered(receiver, task.id);
      return got.some((d) => deliveredState(d) === "TASK_STATE_COMPLETED") ? got : undefined;
    }, "the completion push");
    assert.equal(deliveredState(pushes[0]!), "TASK_STATE_SUBMITTED");
    assert.equal(deliveredState(pushes.at(-1)!), "TASK_STATE_COMPLETED");
    assert.ok(pushes.every((d) => d.headers.authorization === "Bearer hook-secret"));

    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
  },
);

test(
  "the pushes a killed replica left in the outbox are delivered, in order, by the survivor",
  { skip: reason },
  async (t) => {
    const { a, b, receiver, client, fake } = await twoReplicas(t);
    receiver.refusing = true;
    const tag = `pg-push-orphan-${randomUUID()}`;
    fake.push({ match: { lastUserContains: tag }, items: [{ text: "finished before the crash" }] });
    const task = await sendWithWebhook(a, tag, receiver);
    assert.equal(task.status.state, "TASK_STATE_COMPLETED");
    // A has queued the completion (behind the refused first notification) and tried at least once.
    await waitFor(async () => {
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM a2a_push_outbox WHERE task_id = $1 AND body LIKE '%TASK_STATE_COMPLETED%'",
        [task.id],
      );
      return rows[0].n === 1 && receiver.deliveries.length > 0 ? true : undefined;
    }, "the completion queued on A");
    await a.kill();
    const refusedByA = receiver.deliveries.length;
    receiver.refusing = false;

    const pushes = await waitFor(() => {
      const got = delivered(receiver, task.id);
      return got.some((d) => deliveredState(d) === "TASK_STATE_COMPLETED") ? got : undefined;
    }, "the completion push from B");
    assert.ok(refusedByA > 0 && receiver.deliveries.slice(0, refusedByA).every((d) => d.status === 503));
    assert.equal(deliveredState(pushes[0]!), "TASK_STATE_SUBMITTED");
    assert.equal(deliveredState(pushes.at(-1)!), "TASK_STATE_COMPLETED");
    assert.equal(new Set(pushes.map((d) => JSON.stringify(d.body))).size, pushes.length, "each notification once");
    await waitFor(async () => {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM a2a_push_outbox");
      return rows[0].n === 0 || undefined;
    }, "an empty outbox");
    assert.equal(await b.stop(), 0);
  },
);
