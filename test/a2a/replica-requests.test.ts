// Requests between serve replicas (src/a2a/replica-requests.ts), on the in-process bus: the call runs
// with the asker's scope, the owner's protocol error comes back as the same SDK error, a stopped owner is "gone".
import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerCallContext } from "@a2a-js/sdk/server";
import { A2AError, TaskNotCancelableError } from "@a2a-js/sdk/errors";
import { InProcessBus } from "../../src/bus/in-process-bus.ts";
import { ReplicaLink, scopeOf } from "../../src/a2a/replica-requests.ts";

const asker = new ServerCallContext({
  tenant: "acme",
  user: { isAuthenticated: true, userName: "bearer" },
  requestedVersion: "1.0",
});

test("a cancel and a message reach the owner with the asker's tenant, user and protocol version", async () => {
  const bus = new InProcessBus();
  const seen: string[] = [];
  const scope = (context: ServerCallContext) =>
    `${context.tenant}/${context.user?.userName}/${context.requestedVersion}`;
  const stop = new ReplicaLink(bus, "owner").answer({
    cancel: async (taskId, context) => seen.push(`cancel ${taskId} ${scope(context)}`),
    send: async (taskId, request, context) =>
      void seen.push(`send ${taskId} ${JSON.stringify(request)} ${scope(context)}`),
  });
  const link = new ReplicaLink(bus, "asker");
  assert.equal(await link.ask("owner", { op: "cancel", taskId: "t1", scope: scopeOf(asker) }), "done");
  assert.equal(await link.ask("owner", { op: "send", taskId: "t2", request: { a: 1 }, scope: scopeOf(asker) }), "done");
  assert.deepEqual(seen, ["cancel t1 acme/bearer/1.0", 'send t2 {"a":1} acme/bearer/1.0']);
  stop();
  await bus.close();
});

test("the owner's protocol error comes back as the same SDK error; another failure as an A2AError", async () => {
  const bus = new InProcessBus();
  let failure: Error = new TaskNotCancelableError("Task not cancelable: t1");
  new ReplicaLink(bus, "owner").answer({
    cancel: async () => {
      throw failure;
    },
    send: async () => undefined,
  });
  const link = new ReplicaLink(bus, "asker");
  const cancel = () => link.ask("owner", { op: "cancel", taskId: "t1", scope: scopeOf(asker) });
  await assert.rejects(cancel(), (error: Error) => {
    assert.ok(error instanceof TaskNotCancelableError);
    assert.equal(error.message, "Task not cancelable: t1");
    return true;
  });
  failure = new Error("database unreachable");
  await assert.rejects(
    cancel(),
    (error: Error) => error instanceof A2AError && error.message === "database unreachable",
  );
  await bus.close();
});

test("an owner that stopped is gone; one that does not answer in time is a protocol error naming the task", async () => {
  const bus = new InProcessBus();
  const link = new ReplicaLink(bus, "asker", 50);
  assert.equal(await link.ask("stopped", { op: "cancel", taskId: "t1", scope: scopeOf(asker) }), "gone");
  new ReplicaLink(bus, "stuck").answer({ cancel: () => new Promise(() => undefined), send: async () => undefined });
  await assert.rejects(
    link.ask("stuck", { op: "cancel", taskId: "t1", scope: scopeOf(asker) }),
    (error: Error) =>
      error instanceof A2AError && error.message === "task t1 runs on replica stuck, which did not answer within 50 ms",
  );
  await bus.close();
});
