import assert from "node:assert/strict";
import { test } from "node:test";
import { APICallError } from "ai";
import { ModelGate } from "../../src/swarm/model-gate.ts";

const rateLimited = (retryAfterMs: number) =>
  new APICallError({
    message: "slow down",
    url: "http://provider/v1",
    requestBodyValues: {},
    statusCode: 429,
    responseHeaders: { "retry-after-ms": String(retryAfterMs) },
  });

test("a 429 to one sub-agent holds every sub-agent's next request for the wait the provider asked", async () => {
  const gate = new ModelGate();
  await gate.enter();
  gate.failed(rateLimited(150));
  const start = Date.now();
  await Promise.all([gate.enter(), gate.enter(), gate.enter()]);
  assert.ok(Date.now() - start >= 140, `waited ${Date.now() - start} ms`);
  assert.equal(gate.held, 3);
});

test("a request held twice (the pause was extended while it waited) is counted once", async () => {
  const gate = new ModelGate();
  gate.failed(rateLimited(40));
  setTimeout(() => gate.failed(rateLimited(80)), 20);
  const start = Date.now();
  await gate.enter();
  assert.ok(Date.now() - start >= 90, `waited ${Date.now() - start} ms`);
  assert.equal(gate.held, 1);
});

test("errors that are not worth a retry (400, 401) hold nobody; an abort ends the wait", async () => {
  const gate = new ModelGate();
  gate.failed(new APICallError({ message: "bad", url: "u", requestBodyValues: {}, statusCode: 400 }));
  gate.failed(new Error("boom"));
  const start = Date.now();
  await gate.enter();
  assert.ok(Date.now() - start < 50);
  gate.failed(rateLimited(10_000));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  await gate.enter(controller.signal);
  assert.ok(Date.now() - start < 1000);
});

test("a request whose signal is already aborted is not held for the pause", async () => {
  const gate = new ModelGate();
  gate.failed(rateLimited(5_000));
  const start = Date.now();
  await gate.enter(AbortSignal.abort());
  assert.ok(Date.now() - start < 500, `waited ${Date.now() - start} ms`);
});
