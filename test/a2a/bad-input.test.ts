import assert from "node:assert/strict";
import { test } from "node:test";
import { useServe, TOKEN } from "./serve-process.ts";

const running = useServe();

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${running.serve.endpoints.http}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const rpc = (value: unknown) => JSON.stringify(value);
const V1 = { "a2a-version": "1.0" };
const HUGE = "a".repeat(5 * 1024 * 1024);

const JSON_RPC_CASES: Array<[string, string, Record<string, string>, number, number]> = [
  ["malformed JSON", "{not json", {}, 200, -32700],
  ["wrong jsonrpc version", rpc({ jsonrpc: "1.0", id: 1, method: "tasks/get", params: { id: "x" } }), {}, 200, -32600],
  ["unknown 0.3 method", rpc({ jsonrpc: "2.0", id: 1, method: "tasks/explode", params: {} }), {}, 200, -32601],
  ["unknown 1.0 method", rpc({ jsonrpc: "2.0", id: 1, method: "Explode", params: {} }), V1, 200, -32601],
  [
    "invalid 0.3 params",
    rpc({ jsonrpc: "2.0", id: 1, method: "message/send", params: { message: 5 } }),
    {},
    200,
    -32602,
  ],
  ["invalid 1.0 params", rpc({ jsonrpc: "2.0", id: 1, method: "SendMessage", params: "x" }), V1, 200, -32602],
  ["unsupported content type", "hello", { "content-type": "text/plain" }, 200, -32005],
  [
    "unsupported A2A version",
    rpc({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
    { "a2a-version": "9.9" },
    200,
    -32009,
  ],
  ["oversized body", rpc({ jsonrpc: "2.0", id: 1, method: "message/send", params: { pad: HUGE } }), {}, 413, -32600],
  [
    "task id not a string (0.3)",
    rpc({ jsonrpc: "2.0", id: 1, method: "tasks/get", params: { id: 5 } }),
    {},
    200,
    -32602,
  ],
  [
    "task id not a string (1.0)",
    rpc({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: { a: 1 } } }),
    V1,
    200,
    -32602,
  ],
  [
    "null part (1.0)",
    rpc({ jsonrpc: "2.0", id: 1, method: "SendMessage", params: { message: { messageId: "m", parts: [null] } } }),
    V1,
    200,
    -32602,
  ],
  [
    "push config set without a config (0.3)",
    rpc({ jsonrpc: "2.0", id: 1, method: "tasks/pushNotificationConfig/set", params: { taskId: "x" } }),
    {},
    200,
    -32602,
  ],
  [
    "push config create without a url (1.0)",
    rpc({ jsonrpc: "2.0", id: 1, method: "CreateTaskPushNotificationConfig", params: { taskId: "x" } }),
    V1,
    200,
    -32602,
  ],
  ["batch (A2A has none)", rpc([{ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }]), V1, 200, -32600],
  ["empty body", "", V1, 200, -32700],
  [
    "a task state that does not exist",
    rpc({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: { status: "BOGUS" } }),
    V1,
    200,
    -32602,
  ],
  ...(
    [
      ["an unknown role (1.0)", { messageId: "m", role: "ROLE_BOGUS", parts: [{ text: "hi" }] }, "SendMessage"],
      ["no parts (1.0)", { messageId: "m", role: "ROLE_USER", parts: [] }, "SendMessage"],
      ["a part with no content (1.0)", { messageId: "m", role: "ROLE_USER", parts: [{ foo: "x" }] }, "SendMessage"],
      ["a part with two contents (1.0)", { messageId: "m", parts: [{ text: "a", url: "http://x" }] }, "SendMessage"],
      [
        "an unknown role (0.3)",
        { messageId: "m", role: "robot", parts: [{ kind: "text", text: "hi" }] },
        "message/send",
      ],
      [
        "a part without its kind's field (0.3)",
        { messageId: "m", role: "user", parts: [{ kind: "data" }] },
        "message/send",
      ],
      ["no parts (0.3)", { messageId: "m", role: "user", parts: [] }, "message/send"],
    ] as const
  ).map(([label, message, method]): [string, string, Record<string, string>, number, number] => [
    label,
    rpc({ jsonrpc: "2.0", id: 1, method, params: { message } }),
    method === "SendMessage" ? V1 : {},
    200,
    -32602,
  ]),
];

const DEEP = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);

test("JSON-RPC id nested 10,000 deep → -32600 with id null", async () => {
  const res = await post("/a2a", `{"jsonrpc":"2.0","id":${DEEP(10_000)},"method":"GetTask","params":{"id":"x"}}`, V1);
  assert.ok(res.status < 500);
  assert.equal(res.body.id, null);
  assert.equal(res.body.error.code, -32600);
});

for (const id of [{ x: 1 }, [1], 1.5, "forged\nline", "x".repeat(300)]) {
  test(`JSON-RPC invalid id ${JSON.stringify(id).slice(0, 20)} → -32600 answered with id null`, async () => {
    const res = await post("/a2a", rpc({ jsonrpc: "2.0", id, method: "GetTask", params: { id: "x" } }), V1);
    assert.equal(res.body.id, null);
    assert.equal(res.body.error.code, -32600);
  });
}

test("JSON-RPC takes POST only: another method → 405 with Allow: POST", async () => {
  const res = await fetch(`${running.serve.endpoints.http}/a2a`, {
    method: "PUT",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...V1 },
    body: rpc({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }),
  });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST");
  assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32600);
});

test("a JSON-RPC notification (no id) gets no response", async () => {
  const res = await fetch(`${running.serve.endpoints.http}/a2a`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...V1 },
    body: rpc({ jsonrpc: "2.0", method: "GetTask", params: { id: "x" } }),
  });
  assert.equal(res.status, 204);
  assert.equal(await res.text(), "");
});

for (const [label, body, headers, status, code] of JSON_RPC_CASES) {
  test(`JSON-RPC ${label} → ${code}`, async () => {
    const res = await post("/a2a", body, headers);
    assert.equal(res.status, status);
    assert.equal(res.body.jsonrpc, "2.0");
    assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  });
}

test("A2A-Version: a patch number is not negotiated, and the query parameter stands in for the header (spec §3.6)", async () => {
  const getTask = rpc({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "nope" } });
  for (const [path, headers] of [
    ["/a2a", { "a2a-version": "1.0.1" }],
    ["/a2a?A2A-Version=1.0", {}],
    ["/a2a?A2A-Version=1.0.1", {}],
  ] as const) {
    const res = await post(path, getTask, headers);
    assert.equal(res.body.error.code, -32001, `${path} ${JSON.stringify(headers)}: the 1.0 method ran (TaskNotFound)`);
  }
  assert.equal((await post("/a2a?A2A-Version=9.9", getTask)).body.error.code, -32009);
  const rest = await fetch(`${running.serve.endpoints.rest}/tasks/nope?A2A-Version=9.9`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(rest.status, 400, "VersionNotSupported, not TaskNotFound");
});

test("an inline file the agent cannot read is ContentTypeNotSupported, before any task; text and images pass the check", async () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x80]).toString("base64");
  const send = (part: Record<string, unknown>, version: "1.0" | "0.3") =>
    version === "1.0"
      ? post(
          "/a2a",
          rpc({
            jsonrpc: "2.0",
            id: 1,
            method: "SendMessage",
            params: {
              message: { messageId: "m", role: "ROLE_USER", parts: [part] },
              configuration: { returnImmediately: true },
            },
          }),
          V1,
        )
      : post(
          "/a2a",
          rpc({
            jsonrpc: "2.0",
            id: 1,
            method: "message/send",
            params: {
              message: { kind: "message", messageId: "m", role: "user", parts: [part] },
              configuration: { blocking: false },
            },
          }),
        );
  for (const [part, version] of [
    [{ raw: zip, mediaType: "application/zip", filename: "a.zip" }, "1.0"],
    [{ raw: zip, mediaType: "text/plain", filename: "not-utf8.txt" }, "1.0"],
    [{ kind: "file", file: { bytes: zip, mimeType: "application/zip", name: "a.zip" } }, "0.3"],
  ] as const) {
    const res = await send(part, version);
    assert.equal(res.body.error?.code, -32005, JSON.stringify(res.body));
    assert.match(res.body.error.message, /is not supported: send text \(UTF-8\) or an image/);
  }
  const text = Buffer.from("print('hi')\n").toString("base64");
  for (const part of [
    { raw: text, mediaType: "text/x-python", filename: "a.py" },
    { raw: zip, mediaType: "image/png", filename: "a.png" },
  ]) {
    const res = await send(part, "1.0");
    assert.equal(res.body.error, undefined, JSON.stringify(res.body));
  }
});

test("int32 fields as ProtoJSON strings are accepted (historyLength, pageSize)", async () => {
  const list = await post("/a2a", rpc({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: { pageSize: "2" } }), V1);
  assert.equal(list.body.error, undefined, JSON.stringify(list.body));
  assert.ok(list.body.result.tasks.length <= 2);
  const get = await post(
    "/a2a",
    rpc({ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "nope", historyLength: "1" } }),
    V1,
  );
  assert.equal(get.body.error.code, -32001, "the params passed; the task does not exist");
  const bad = await post("/a2a", rpc({ jsonrpc: "2.0", id: 1, method: "ListTasks", params: { pageSize: "two" } }), V1);
  assert.equal(bad.body.error.code, -32602);
});

test("JSON-RPC empty chunked body (no Content-Length) → -32700, as an empty body with one", async () => {
  const res = await fetch(`${running.serve.endpoints.http}/a2a`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...V1 },
    body: new ReadableStream({ start: (controller) => controller.close() }),
    duplex: "half",
  } as RequestInit);
  const body = (await res.json()) as { error: unknown };
  assert.equal(res.status, 200);
  assert.deepEqual(body.error, { code: -32700, message: "Invalid JSON payload: the body is empty." });
});

const REST_CASES: Array<[string, string, number, string?]> = [
  ["malformed JSON", "{not json", 400],
  ["invalid params", JSON.stringify({ message: 3 }), 400],
  ["oversized body", JSON.stringify({ pad: HUGE }), 413],
  ["null part", JSON.stringify({ message: { messageId: "m", role: "ROLE_USER", parts: [null] } }), 400],
  [
    "null part (0.3)",
    JSON.stringify({ message: { messageId: "m", role: "ROLE_USER", content: [null] } }),
    400,
    "/v1/message:send",
  ],
  [
    "a message without content (0.3)",
    JSON.stringify({ message: { messageId: "m", role: "ROLE_USER", content: [] } }),
    400,
    "/v1/message:send",
  ],
  ["an unknown role", JSON.stringify({ message: { messageId: "m", role: "user", parts: [{ text: "hi" }] } }), 400],
  ["message nested 10,000 deep", `{"message":${DEEP(10_000)}}`, 400],
  ["push config without a url", "{}", 400, "/tasks/x/pushNotificationConfigs"],
  ["a body that is not an object", "1.5", 400, "/tasks/x:cancel"],
];

for (const [label, body, status, route = "/message:send"] of REST_CASES) {
  test(`REST ${label} → ${status} with an error body`, async () => {
    const res = await post(`/a2a/rest${route}`, body, V1);
    assert.equal(res.status, status);
    assert.equal(res.body.error.code, status);
    assert.equal(res.body.error.status, "INVALID_ARGUMENT");
    assert.doesNotMatch(res.body.error.message, /Cannot read|is not a function|internal/);
  });
}

test("subscribing to a finished task names its state, not the state's number", async () => {
  const sent = await post(
    "/a2a",
    rpc({
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: { message: { messageId: "m-sub", role: "ROLE_USER", parts: [{ text: "hi" }] } },
    }),
    V1,
  );
  const res = await fetch(`${running.serve.endpoints.http}/a2a`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...V1 },
    body: rpc({ jsonrpc: "2.0", id: 2, method: "SubscribeToTask", params: { id: sent.body.result.task.id } }),
  });
  const text = await res.text();
  assert.match(text, /terminal state \(TASK_STATE_COMPLETED\)/);
});

test("after all that the server still serves", async () => {
  const health = await fetch(`${running.serve.endpoints.http}/health`);
  assert.equal(health.status, 200);
  const res = await post(
    "/a2a",
    rpc({
      jsonrpc: "2.0",
      id: 7,
      method: "message/send",
      params: { message: { kind: "message", messageId: "m1", role: "user", parts: [{ kind: "text", text: "hi" }] } },
    }),
  );
  assert.equal(res.body.id, 7);
  assert.equal(res.body.result.status.state, "completed");
  assert.equal(running.serve.child.exitCode, null);
  // The clients' mistakes were answered to them; serve's log is for serve's own trouble.
  assert.doesNotMatch(running.serve.stderr(), /VersionNotSupportedError|UnsupportedOperationError|RequestMalformed/);
});
