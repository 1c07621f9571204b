// A bounded fuzz of serve's A2A transports: thousands of generated bad requests over JSON-RPC, REST and gRPC
// (seeded, so a failure replays), each bounded in time; none may get a 5xx, an internal error or a
// JavaScript message, and the server must still complete a normal task afterwards.
import assert from "node:assert/strict";
import { credentials, Client, Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { test } from "node:test";
import { useServe, TOKEN } from "../a2a/serve-process.ts";

const SEED = 0x15c0de;
const COUNTS = { jsonrpc: 900, rest: 800, grpc: 500 };
const PER_REQUEST_MS = 5000;
const CONCURRENCY = 16;

const running = useServe();

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = random(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const NASTY_STRINGS = [
  "",
  " ",
  "\n",
  "line\nforged: yes",
  "\u001b[31mred",
  "%00",
  "../../etc/passwd",
  "☃",
  "\ud800",
  "x".repeat(3000),
  "toString",
  "__proto__",
  "constructor",
];
const KEYS = [
  "id",
  "taskId",
  "contextId",
  "messageId",
  "message",
  "parts",
  "text",
  "kind",
  "role",
  "url",
  "pushNotificationConfig",
  "configuration",
  "metadata",
  "historyLength",
  "pageSize",
  "pageToken",
  "tenant",
  "data",
  "file",
  "raw",
  "authentication",
  "toString",
  "__proto__",
  "valueOf",
];

function value(depth = 0): unknown {
  switch (int(depth > 3 ? 5 : 9)) {
    case 0:
      return null;
    case 1:
      return pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 2:
      return pick([true, false]);
    case 3:
      return pick(NASTY_STRINGS);
    case 4:
      return `s-${int(1e6)}`;
    case 5:
    case 6: {
      const object: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i--) object[pick(KEYS)] = value(depth + 1);
      return object;
    }
    default:
      return Array.from({ length: int(4) }, () => value(depth + 1));
  }
}

const deep = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);
const V03 = [
  "message/send",
  "message/stream",
  "tasks/get",
  "tasks/cancel",
  "tasks/resubscribe",
  "tasks/pushNotificationConfig/set",
  "tasks/pushNotificationConfig/get",
  "tasks/pushNotificationConfig/list",
  "tasks/pushNotificationConfig/delete",
  "agent/getAuthenticatedExtendedCard",
];
const V10 = [
  "SendMessage",
  "SendStreamingMessage",
  "GetTask",
  "ListTasks",
  "CancelTask",
  "SubscribeToTask",
  "CreateTaskPushNotificationConfig",
  "GetTaskPushNotificationConfig",
  "ListTaskPushNotificationConfigs",
  "DeleteTaskPushNotificationConfig",
  "GetExtendedAgentCard",
];

/** A message that can never be valid (a null or non-object part), so no fuzzed request starts an agent run. */
function badMessage(): unknown {
  const message = value(1);
  const broken = { ...(typeof message === "object" && message && !Array.isArray(message) ? message : {}) };
  return { ...broken, parts: [pick([null, 5, "x", [], true])] };
}

function params(method: string): unknown {
  const params = value(0);
  if (!/send|stream/i.test(method) || typeof params !== "object" || !params || Array.isArray(params)) return params;
  return { ...params, message: badMessage() };
}

interface Request {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function jsonRpcRequest(): Request {
  const version = pick(["0.3", "1.0", "9.9", ""]);
  const method = pick([...V03, ...V10, "", "x".repeat(300), "tasks/\n"]);
  const envelope: Record<string, unknown> = {};
  if (rnd() < 0.9) envelope.jsonrpc = pick(["2.0", "2.0", "2.0", "1.0", 2, null]);
  if (rnd() < 0.8) envelope.id = pick([1, "a", null, 1.5, {}, [1], "\nid", -7]);
  if (rnd() < 0.95) envelope.method = rnd() < 0.9 ? method : value(1);
  if (rnd() < 0.9) envelope.params = params(String(method));
  let body = JSON.stringify(envelope);
  switch (int(12)) {
    case 0:
      body = body.slice(0, int(body.length));
      break; // truncated
    case 1:
      body = `{"jsonrpc":"2.0","id":${deep(500 + int(10_000))},"method":"GetTask","params":{"id":"x"}}`;
      break;
    case 2:
      body = JSON.stringify([envelope, envelope]);
      break; // batch
    case 3:
      body = JSON.stringify(value(0));
      break;
  }
  const headers: Record<string, string> = {
    "content-type": pick(["application/json", "application/json", "text/plain", "application/a2a+json"]),
  };
  if (version) headers["a2a-version"] = version;
  return { path: "/a2a", method: "POST", headers, body };
}

function restRequest(): Request {
  const id = pick(["x", "%zz", "%00", "..", "a%2Fb", encodeURIComponent("\n\u001b[2J"), "z".repeat(2000)]);
  const prefix = pick(["", "/v1", "/tenant-a"]);
  const route = pick([
    "/message:send",
    "/message:stream",
    `/tasks/${id}`,
    `/tasks/${id}:cancel`,
    `/tasks/${id}:subscribe`,
    `/tasks/${id}/pushNotificationConfigs`,
    `/tasks/${id}/pushNotificationConfigs/${id}`,
    "/tasks",
    "/extendedAgentCard",
    "/card",
    `/${id}`,
  ]);
  const method = pick(["GET", "POST", "POST", "POST", "DELETE", "PUT", "PATCH"]);
  let body: string | undefined;
  if (method !== "GET") {
    body =
      /message:/.test(route) && rnd() < 0.6
        ? JSON.stringify({ message: badMessage(), configuration: value(1) })
        : JSON.stringify(value(0));
    if (rnd() < 0.1) body = body.slice(0, int(body.length));
    if (rnd() < 0.05) body = `{"message":${deep(100 + int(10_000))}}`;
  }
  const headers: Record<string, string> = {
    "content-type": pick(["application/json", "application/a2a+json", "text/plain"]),
  };
  if (rnd() < 0.7) headers["a2a-version"] = pick(["1.0", "0.3"]);
  const query =
    rnd() < 0.2 ? `?historyLength=${pick(["-1", "x", "1e9", "%zz"])}&pageSize=${pick(["0", "-5", "abc"])}` : "";
  return { path: `/a2a/rest${prefix}${route}${query}`, method, headers, body };
}

/** Hints that a server's internals leaked into an answer. */
const JS_MESSAGE =
  /is not a function|Cannot read properties|undefined \(reading|Maximum call stack|Unexpected token|at [\w.]+ \(|TypeError|RangeError/;

async function pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

async function fuzzHttp(requests: Request[]): Promise<string[]> {
  const failures: string[] = [];
  await pool(requests, async (request) => {
    const label = `${request.method} ${request.path.slice(0, 80)} ${request.body?.slice(0, 120) ?? ""}`;
    try {
      const res = await fetch(`${running.serve.endpoints.http}${request.path}`, {
        method: request.method,
        headers: { authorization: `Bearer ${TOKEN}`, ...request.headers },
        body: request.body,
        signal: AbortSignal.timeout(PER_REQUEST_MS),
      });
      const text = await res.text();
      if (res.status >= 500) failures.push(`${res.status} for ${label}: ${text.slice(0, 200)}`);
      else if (JS_MESSAGE.test(text) || text.includes('"code":-32603'))
        failures.push(`internal error for ${label}: ${text.slice(0, 200)}`);
    } catch (error) {
      failures.push(`${(error as Error).name} for ${label}`);
    }
  });
  return failures;
}

const GRPC_METHODS = [
  "/lf.a2a.v1.A2AService/SendMessage",
  "/lf.a2a.v1.A2AService/GetTask",
  "/lf.a2a.v1.A2AService/ListTasks",
  "/lf.a2a.v1.A2AService/CancelTask",
  "/lf.a2a.v1.A2AService/CreateTaskPushNotificationConfig",
  "/lf.a2a.v1.A2AService/GetTaskPushNotificationConfig",
  "/lf.a2a.v1.A2AService/ListTaskPushNotificationConfigs",
  "/lf.a2a.v1.A2AService/DeleteTaskPushNotificationConfig",
  "/lf.a2a.v1.A2AService/GetExtendedAgentCard",
  "/a2a.v1.A2AService/SendMessage",
  "/a2a.v1.A2AService/GetTask",
  "/a2a.v1.A2AService/CancelTask",
  "/a2a.v1.A2AService/CreateTaskPushNotificationConfig",
  "/a2a.v1.A2AService/GetTaskPushNotificationConfig",
  "/a2a.v1.A2AService/ListTaskPushNotificationConfig",
  "/a2a.v1.A2AService/DeleteTaskPushNotificationConfig",
  "/a2a.v1.A2AService/GetAgentCard",
  "/lf.a2a.v1.A2AService/Nope",
];
const GRPC_STREAMS = [
  "/lf.a2a.v1.A2AService/SendStreamingMessage",
  "/lf.a2a.v1.A2AService/SubscribeToTask",
  "/a2a.v1.A2AService/SendStreamingMessage",
  "/a2a.v1.A2AService/TaskSubscription",
];

/** Bad protobuf: random bytes, or plausible tags with lengths that lie, wrong wire types, deep nesting. */
function protobuf(): Buffer {
  switch (int(4)) {
    case 0:
      return Buffer.from(Array.from({ length: int(64) }, () => int(256)));
    case 1:
      return Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, ...Array.from({ length: int(8) }, () => int(256))]);
    case 2:
      return Buffer.concat(Array.from({ length: 200 }, () => Buffer.from([0x12, 0x7f]))); // nested lengths that overrun
    default: {
      const text = Buffer.from(pick(NASTY_STRINGS).slice(0, 100));
      return Buffer.from([((1 + int(9)) << 3) | int(6), text.length, ...text]);
    }
  }
}

const SERVER_FAULTS = new Set([
  GrpcStatus.INTERNAL,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.DATA_LOSS,
]);

async function fuzzGrpc(count: number): Promise<string[]> {
  const client = new Client(running.serve.endpoints.grpc, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${TOKEN}`);
  const identity = (value: Buffer) => value;
  const failures: string[] = [];
  const calls = Array.from({ length: count }, () => ({ stream: rnd() < 0.2, bytes: protobuf(), method: "" }));
  for (const call of calls) call.method = call.stream ? pick(GRPC_STREAMS) : pick(GRPC_METHODS);
  await pool(
    calls,
    (call) =>
      new Promise<void>((resolve) => {
        const deadline = Date.now() + PER_REQUEST_MS;
        const done = (error: { code?: number; details?: string } | null) => {
          if (error && SERVER_FAULTS.has(error.code!))
            failures.push(`${call.method} ${call.bytes.toString("hex").slice(0, 60)}: ${error.code} ${error.details}`);
          else if (error && JS_MESSAGE.test(error.details ?? "")) failures.push(`${call.method}: ${error.details}`);
          resolve();
        };
        if (!call.stream)
          return void client.makeUnaryRequest(
            call.method,
            identity,
            identity,
            call.bytes,
            metadata,
            { deadline },
            (error) => done(error),
          );
        const stream = client.makeServerStreamRequest(call.method, identity, identity, call.bytes, metadata, {
          deadline,
        });
        stream.on("data", () => {});
        stream.on("error", done);
        stream.on("end", () => done(null));
      }),
  );
  client.close();
  return failures;
}

test(`fuzz: ${COUNTS.jsonrpc + COUNTS.rest + COUNTS.grpc} bad requests over JSON-RPC, REST and gRPC; no 5xx, no internal error, no hang`, async () => {
  const started = performance.now();
  const jsonRpc = await fuzzHttp(Array.from({ length: COUNTS.jsonrpc }, jsonRpcRequest));
  const rest = await fuzzHttp(Array.from({ length: COUNTS.rest }, restRequest));
  const grpc = await fuzzGrpc(COUNTS.grpc);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `fuzz: ${COUNTS.jsonrpc} JSON-RPC, ${COUNTS.rest} REST, ${COUNTS.grpc} gRPC requests in ${seconds} s\n`,
  );
  assert.deepEqual([...jsonRpc, ...rest, ...grpc].slice(0, 60), []);
  // Nothing a client sent forges a log line or a terminal code: every line is serve's own, escaped.
  const stderr = running.serve.stderr();
  assert.doesNotMatch(stderr, JS_MESSAGE);
  assert.doesNotMatch(stderr, /\u001b/);
  for (const line of stderr.split("\n").filter(Boolean)) assert.match(line, /^codetether serve: /);
});

test("after the fuzz the server still completes a normal task", async () => {
  const health = await fetch(`${running.serve.endpoints.http}/health`);
  assert.equal(health.status, 200);
  const res = await fetch(running.serve.endpoints.jsonrpc, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "a2a-version": "1.0" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: { message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] } },
    }),
  });
  const body = (await res.json()) as { result: { task: { status: { state: string } } } };
  assert.equal(body.result.task.status.state, "TASK_STATE_COMPLETED");
  assert.equal(running.serve.child.exitCode, null);
});
