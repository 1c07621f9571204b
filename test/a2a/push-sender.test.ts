// OutboxPushSender (src/a2a/push-sender.ts) with stub stores: how updates are queued into the outbox.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { StreamResponse } from "@a2a-js/sdk";
import { OutboxPushSender } from "../../src/a2a/push-sender.ts";
import type { PushConfigStore } from "../../src/a2a/push-config-store.ts";
import type { OutboxEntry, PushOutbox } from "../../src/a2a/push-outbox.ts";

function update(taskId: string, state: number): StreamResponse {
  return {
    payload: {
      $case: "statusUpdate",
      value: {
        taskId,
        contextId: "ctx",
        status: { state, timestamp: undefined, message: undefined },
        metadata: undefined,
      },
    },
  } as StreamResponse;
}

test("a task's updates are queued in order, without waiting for other tasks' (a slow config read holds up its own task only)", async () => {
  let releaseSlow!: () => void;
  const slowRead = new Promise<void>((resolve) => (releaseSlow = resolve));
  const configs = {
    async loadWithMetadata(taskId: string) {
      if (taskId === "slow") await slowRead;
      return [
        { config: { id: "c", taskId, url: "https://hooks.example/x", token: "", tenant: "" }, wireVersion: "1.0" },
      ];
    },
  } as unknown as PushConfigStore;
  const queued: string[] = [];
  const outbox: PushOutbox = {
    enqueue: async (entries: OutboxEntry[]) =>
      void queued.push(...entries.map((e) => `${e.taskId}:${JSON.parse(e.body).statusUpdate.status.state}`)),
    claimDue: async () => [],
    remove: async () => undefined,
    retryLater: async () => undefined,
    nextDueInMs: async () => undefined,
  };
  const sender = new OutboxPushSender(configs, outbox, { allowPrivate: true });
  const slow = [sender.send(update("slow", 2), undefined), sender.send(update("slow", 3), undefined)];
  await sender.send(update("fast", 2), undefined);
  assert.deepEqual(queued, ["fast:TASK_STATE_WORKING"]);
  releaseSlow();
  await Promise.all(slow);
  assert.deepEqual(queued, ["fast:TASK_STATE_WORKING", "slow:TASK_STATE_WORKING", "slow:TASK_STATE_COMPLETED"]);
  await sender.close();
});
