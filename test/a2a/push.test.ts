import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { test } from "node:test";
import { isPrivateAddress } from "../../src/util/private-address.ts";
import { bodyOf, startServe, useServe, TOKEN, waitFor } from "./serve-process.ts";
import { deliveredState, startReceiver } from "./webhook-receiver.ts";

const running = useServe();

async function rpc(method: string, params: unknown, version?: string): Promise<any> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  if (version) headers["a2a-version"] = version;
  const res = await fetch(`${running.serve.endpoints.jsonrpc}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json();
}

test("1.0 webhook: every update delivered in order with Authorization, retried after the receiver first fails", async () => {
  const receiver = await startReceiver(2);
  try {
    const config = { url: receiver.url, authentication: { scheme: "Bearer", credentials: "hook-secret" } };
    const message = { messageId: "m-push-1", role: "ROLE_USER", parts: [{ text: "push please" }] };
    const sent = await rpc("SendMessage", { message, configuration: { taskPushNotificationConfig: config } }, "1.0");
    const taskId = sent.result.task.id;
    assert.equal(sent.result.task.status.state, "TASK_STATE_COMPLETED");
    const delivered = await waitFor(() => {
      const ok = receiver.deliveries.filter((d) => d.status === 200);
      return ok.some((d) => d.body.statusUpdate?.status?.state === "TASK_STATE_COMPLETED") ? ok : undefined;
    }, "the completed notification");
    assert.equal(receiver.deliveries.filter((d) => d.status === 503).length, 2, "two failed attempts before success");
    for (const d of receiver.deliveries) {
      assert.equal(d.headers.authorization, "Bearer hook-secret");
      assert.match(String(d.headers["content-type"]), /^application\/a2a\+json/);
    }
    const states = delivered.map(deliveredState);
    assert.equal(states[0], "TASK_STATE_SUBMITTED", "the first notification is the task");
    assert.equal(states.at(-1), "TASK_STATE_COMPLETED", "order is kept across retries");
    assert.ok(
      delivered.every(
        (d) => (d.body.task?.id ?? d.body.statusUpdate?.taskId ?? d.body.artifactUpdate?.taskId) === taskId,
      ),
    );
  } finally {
    receiver.server.close();
  }
});

test("0.3 webhook: 0.3-shaped task snapshots with the token header", async () => {
  const receiver = await startReceiver(0);
  try {
    const message = {
      kind: "message",
      messageId: "m-push-2",
      role: "user",
      parts: [{ kind: "text", text: "push 0.3" }],
    };
    const sent = await rpc("message/send", {
      message,
      configuration: { blocking: true, pushNotificationConfig: { url: receiver.url, token: "tok-03" } },
    });
    assert.equal(sent.result.status.state, "completed");
    // 0.3 webhooks get the task snapshot (kind "task") after every update.
    const last = await waitFor(
      () => receiver.deliveries.find((d) => d.body.kind === "task" && d.body.status.state === "completed"),
      "the completed notification",
    );
    assert.equal(last.headers["x-a2a-notification-token"], "tok-03");
    assert.match(String(last.headers["content-type"]), /^application\/json/);
    assert.equal(last.body.id, sent.result.id);
  } finally {
    receiver.server.close();
  }
});

test("0.3: a config set without an id is read back without one (the task's first config)", async () => {
  const task = await rpc("message/send", {
    message: { kind: "message", messageId: "m-push-3", role: "user", parts: [{ kind: "text", text: "for a hook" }] },
    configuration: { blocking: true },
  });
  const taskId = task.result.id;
  const url = "http://127.0.0.1:9/no-id";
  const set = await rpc("tasks/pushNotificationConfig/set", { taskId, pushNotificationConfig: { url } });
  assert.equal(set.result.pushNotificationConfig.url, url, JSON.stringify(set));
  const got = await rpc("tasks/pushNotificationConfig/get", { id: taskId });
  assert.equal(got.result?.pushNotificationConfig?.url, url, JSON.stringify(got));
});

test("a config registered over the 1.0 REST binding without A2A-Version gets 1.0 notifications, as the binding answers", async () => {
  const receiver = await startReceiver(0);
  try {
    const rest = (path: string, body: unknown) =>
      fetch(`${running.serve.endpoints.rest}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((res) => res.json() as Promise<any>);
    // The answer waits, so the config is registered while the task runs.
    running.fake.push({ match: { lastUserContains: "rest push" }, delayMs: 500, items: [{ text: "pushed" }] });
    const message = { messageId: "m-push-4", role: "ROLE_USER", parts: [{ text: "rest push" }] };
    const sent = await rest("/message:send", { message, configuration: { returnImmediately: true } });
    const taskId = sent.task.id;
    await rest(`/tasks/${taskId}/pushNotificationConfigs`, { url: receiver.url });
    const delivered = await waitFor(
      () => receiver.deliveries.find((d) => d.body.statusUpdate?.status?.state === "TASK_STATE_COMPLETED"),
      "the completed notification, 1.0-shaped",
    );
    assert.match(String(delivered.headers["content-type"]), /^application\/a2a\+json/);
    assert.equal(receiver.deliveries.filter((d) => d.body.kind).length, 0, "no 0.3-shaped body");
  } finally {
    receiver.server.close();
  }
});

test("webhooks on private or loopback addresses are refused unless allowed", async () => {
  const guarded = await startServe({ fake: running.fake, allowPrivatePush: false });
  try {
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const body = (url: string) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "message/send",
        params: {
          message: { kind: "message", messageId: `m-${url}`, role: "user", parts: [{ kind: "text", text: "x" }] },
          configuration: { pushNotificationConfig: { url } },
        },
      });
    for (const url of [
      "http://127.0.0.1:9/hook",
      "http://localhost:9/hook",
      "http://10.1.2.3/hook",
      "http://[::1]:9/hook",
      "file:///etc/passwd",
    ]) {
      const res = await bodyOf(await fetch(guarded.endpoints.jsonrpc, { method: "POST", headers, body: body(url) }));
      assert.ok(res.error, `${url} must be refused`);
      assert.match(res.error.message, /private|loopback|http or https/);
    }
  } finally {
    await guarded.stop();
    guarded.sandbox.cleanup();
  }
});

test("the address guard classifies public and private addresses", () => {
  for (const address of [
    "127.0.0.1",
    "10.0.0.8",
    "172.20.1.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "192.0.2.2",
    "198.51.100.7",
    "203.0.113.9",
    "2001:db8::1",
    // This machine's own addresses, whatever their range: a public one reaches its services too.
    ...Object.values(networkInterfaces())
      .flat()
      .map((entry) => entry!.address),
  ]) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    assert.equal(isPrivateAddress(address), false, address);
});

test("a task cut off by a crash is reported failed to its webhook when the server starts again", async () => {
  const receiver = await startReceiver(0);
  const first = await startServe({ fake: running.fake });
  try {
    const tag = `crash-push-${Date.now()}`;
    running.fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working" }] });
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "a2a-version": "1.0" };
    const params = {
      message: { messageId: `m-${tag}`, role: "ROLE_USER", parts: [{ text: tag }] },
      configuration: { returnImmediately: true, taskPushNotificationConfig: { url: receiver.url } },
    };
    const res = await fetch(first.endpoints.jsonrpc, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "SendMessage", params }),
    });
    const taskId = ((await res.json()) as any).result.task.id as string;
    await waitFor(
      () => (running.fake.requests.some((r) => r.prompt.users.some((u) => u.includes(tag))) ? true : undefined),
      "the model request",
    );
    await first.kill();

    const second = await startServe({ fake: running.fake, sandbox: first.sandbox });
    try {
      await waitFor(
        () =>
          receiver.deliveries.find(
            (d) => d.body.statusUpdate?.taskId === taskId && d.body.statusUpdate.status.state === "TASK_STATE_FAILED",
          ),
        "the failed notification after the restart",
      );
    } finally {
      await second.stop();
    }
  } finally {
    receiver.server.close();
    first.sandbox.cleanup();
  }
});

/** A serve whose bash asks first, with one task paused in input-required and a webhook registered for it. */
async function pausedTaskWithWebhook(tag: string) {
  const receiver = await startReceiver(0);
  const serve = await startServe({ fake: running.fake, toml: '[permission]\nbash = "ask"\n' });
  running.fake.push({ match: { lastUserContains: tag }, items: [{ tool: "bash", input: { command: "echo never" } }] });
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "a2a-version": "1.0" };
  const call = (method: string, params: unknown) =>
    fetch(serve.endpoints.jsonrpc, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    }).then((res) => res.json() as Promise<any>);
  const sent = await call("SendMessage", {
    message: { messageId: `m-${tag}`, role: "ROLE_USER", parts: [{ text: tag }] },
    configuration: { taskPushNotificationConfig: { url: receiver.url } },
  });
  const task = sent.result.task;
  const states = () =>
    receiver.deliveries
      .filter((d) => d.body.statusUpdate?.taskId === task.id)
      .map((d) => d.body.statusUpdate.status.state);
  const cleanup = () => {
    receiver.server.close();
    serve.sandbox.cleanup();
  };
  return { serve, task, headers, call, states, cleanup };
}

test("a task waiting for input when the server shuts down is stored canceled and reported to its webhook", async () => {
  const { serve, task, headers, states, cleanup } = await pausedTaskWithWebhook(`ask-at-shutdown-${Date.now()}`);
  try {
    assert.equal(task.status.state, "TASK_STATE_INPUT_REQUIRED");
    assert.equal(await serve.stop(), 0);
    const restarted = await startServe({ fake: running.fake, sandbox: serve.sandbox });
    try {
      const stored = await fetch(`${restarted.endpoints.rest}/tasks/${task.id}`, { headers }).then(bodyOf);
      assert.equal(stored.status.state, "TASK_STATE_CANCELED");
      assert.match(JSON.stringify(stored.status.message), /shutting down/);
      // Delivered at shutdown, or from the durable outbox once the server is back.
      await waitFor(() => (states().includes("TASK_STATE_CANCELED") ? true : undefined), "the canceled notification");
    } finally {
      await restarted.stop();
    }
  } finally {
    cleanup();
  }
});

test("canceling a task that waits for input reports the cancel to its webhook", async () => {
  const { serve, task, call, states, cleanup } = await pausedTaskWithWebhook(`ask-then-cancel-${Date.now()}`);
  try {
    assert.equal(task.status.state, "TASK_STATE_INPUT_REQUIRED");
    assert.equal((await call("CancelTask", { id: task.id })).result.status.state, "TASK_STATE_CANCELED");
    await waitFor(() => (states().includes("TASK_STATE_CANCELED") ? true : undefined), "the canceled notification");
  } finally {
    await serve.stop();
    cleanup();
  }
});
