import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { v1Peer, type Peer } from "./peers.ts";
import { bodyOf, startServe, TOKEN, type ServeProcess } from "./serve-process.ts";

let fake: FakeModel;
let serve: ServeProcess;
let peer: Peer;

before(async () => {
  fake = await startFakeModel();
  serve = await startServe({ fake, toml: '[permission]\nbash = "ask"\n' });
  peer = await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC");
});
after(async () => {
  await serve.stop();
  await fake.close();
  serve.sandbox.cleanup();
});

function toolThenAnswer(tool: string, input: Record<string, unknown>, answer: string): string {
  const tag = `tag-${randomUUID()}`;
  fake.push(
    { match: { lastUserContains: tag }, items: [{ tool, input }] },
    { match: { lastUserContains: tag }, items: [{ text: answer }] },
  );
  return tag;
}

test("a permission ask pauses the task in input-required; 'yes' resumes the same run", async () => {
  const prompt = toolThenAnswer("bash", { command: "echo approved-run" }, "bash ran");
  const paused = await peer.send(prompt);
  assert.equal(paused.state, "input-required");
  const question = await fetch(`${serve.endpoints.rest}/tasks/${paused.id}`, {
    headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
  }).then(bodyOf);
  assert.match(JSON.stringify(question.status.message), /Permission needed: bash `echo approved-run`/);
  const resumed = await peer.send("yes", { taskId: paused.id, contextId: paused.contextId });
  assert.equal(resumed.id, paused.id);
  assert.equal(resumed.state, "completed");
  assert.equal(resumed.answer, "bash ran");
  const toolResult = JSON.stringify(fake.requests.at(-1)!.body.messages.at(-1));
  assert.match(toolResult, /approved-run/, "the command ran and its output went back to the model");
});

test("refusing the permission tells the model, which can carry on", async () => {
  const prompt = toolThenAnswer("bash", { command: "rm -rf build" }, "ok, I will not");
  const paused = await peer.send(prompt);
  assert.equal(paused.state, "input-required");
  const resumed = await peer.send("no, too dangerous", { taskId: paused.id, contextId: paused.contextId });
  assert.equal(resumed.state, "completed");
  assert.match(JSON.stringify(fake.requests.at(-1)!.body.messages.at(-1)), /permission denied.*too dangerous/);
});

test("a task waiting for input can be canceled", async () => {
  const paused = await peer.send(toolThenAnswer("bash", { command: "echo never" }, "unused"));
  assert.equal(paused.state, "input-required");
  assert.equal((await peer.cancel(paused.id)).state, "canceled");
});

test("changed files come back as an artifact", async () => {
  const prompt = toolThenAnswer("write_file", { path: "notes/hello.txt", content: "hi" }, "wrote it");
  const task = await peer.send(prompt);
  assert.equal(task.state, "completed");
  assert.deepEqual(task.artifacts.sort(), ["answer", "changed-files"]);
  assert.equal(readFileSync(join(serve.sandbox.workspace, "notes/hello.txt"), "utf8"), "hi");
});

test("a model failure ends the task failed with a readable message", async () => {
  const tag = `tag-${randomUUID()}`;
  fake.push({
    match: { lastUserContains: tag },
    error: { status: 400, body: { error: { message: "context too long for this model" } } },
  });
  const task = await peer.send(tag);
  assert.equal(task.state, "failed");
  const raw = await fetch(`${serve.endpoints.rest}/tasks/${task.id}`, {
    headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
  }).then(bodyOf);
  assert.match(JSON.stringify(raw.status.message), /context too long/);
});
