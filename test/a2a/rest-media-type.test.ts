// REST answers in the JSON media type the client used, errors included; other body types get 415.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyOf, TOKEN, useServe } from "./serve-process.ts";

const running = useServe();

const V1 = { "a2a-version": "1.0" };
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SEND = JSON.stringify({
  message: { messageId: "m1", role: "ROLE_USER", parts: [{ text: "hi" }] },
  configuration: { returnImmediately: true },
});

async function rest(route: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  const res = await fetch(`${running.serve.endpoints.rest}${route}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...V1, ...init.headers },
    body: init.body,
  });
  return { status: res.status, type: res.headers.get("content-type")?.split(";")[0], body: await bodyOf(res) };
}

for (const type of ["application/json", "application/a2a+json"]) {
  const sent = { "content-type": type };
  const cases: Array<[string, string, { method?: string; headers?: Record<string, string>; body?: string }, number]> = [
    ["a send", "/message:send", { headers: { ...AUTH, ...sent }, body: SEND }, 200],
    ["malformed JSON", "/message:send", { headers: { ...AUTH, ...sent }, body: "{not json" }, 400],
    ["a body of the wrong shape", "/message:send", { headers: { ...AUTH, ...sent }, body: '{"message":3}' }, 400],
    ["an unknown task", "/tasks/nope:cancel", { headers: { ...AUTH, ...sent }, body: "{}" }, 404],
    ["no token", "/message:send", { headers: sent, body: SEND }, 401],
    ["a GET whose Accept names it", "/tasks/nope", { headers: { ...AUTH, accept: type } }, 404],
  ];
  for (const [label, route, init, status] of cases) {
    test(`REST ${label} in ${type} → ${status} in ${type}`, async () => {
      const res = await rest(route, init);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.type, type);
      if (status >= 400) assert.equal(res.body.error.code, status, "an AIP-193 error body");
    });
  }
}

test("REST without a body or Accept answers application/a2a+json", async () => {
  const res = await rest("/tasks/nope", { headers: AUTH });
  assert.equal(res.status, 404);
  assert.equal(res.type, "application/a2a+json");
});

for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
  test(`a REST body in ${type} → 415 with an AIP-193 body`, async () => {
    const res = await rest("/message:send", { headers: { ...AUTH, "content-type": type }, body: SEND });
    assert.equal(res.status, 415);
    assert.equal(res.type, "application/a2a+json");
    assert.equal(res.body.error.code, 415);
    assert.equal(res.body.error.status, "INVALID_ARGUMENT");
    assert.match(res.body.error.message, new RegExp(type.replace("+", "\\+")));
    assert.equal(res.body.error.details[0].reason, "CONTENT_TYPE_NOT_SUPPORTED");
  });
}

test("the 0.3 REST routes keep application/json", async () => {
  const res = await fetch(`${running.serve.endpoints.rest}/v1/tasks/nope`, {
    headers: { ...AUTH, accept: "application/a2a+json" },
  });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("content-type")?.split(";")[0], "application/json");
});
