// Answering a task paused in input-required with `a2a send --stream --task T --context X`: the answer
// streams the rest of the task (its first event is the task, as the protocol wants), and a send that
// fails leaves the question open.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { readSse } from "../../src/util/sse-reader.ts";
import { jsonLines, runCli } from "../support/cli.ts";
import { useServe, TOKEN } from "./serve-process.ts";

const running = useServe({ toml: '[permission]\nbash = "ask"\n' });

const a2a = (...args: string[]) =>
  runCli(running.serve.sandbox, ["a2a", ...args], { env: { CODETETHER_AUTH_TOKEN: TOKEN } });

/** Starts a streamed task whose bash call asks for permission; returns its ids once it is paused. */
async function pausedTask(tag: string, answer: string): Promise<{ task: string; context: string }> {
  running.fake.push(
    { match: { lastUserContains: tag }, items: [{ tool: "bash", input: { command: "echo never" } }] },
    { match: { lastUserContains: tag }, items: [{ text: answer }] },
  );
  const paused = await a2a("send", running.serve.endpoints.http, tag, "--stream");
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /Permission needed: /);
  const [, task, context] = /input-required task (\S+) · context (\S+)/.exec(paused.stderr) ?? [];
  assert.ok(task && context, paused.stderr);
  return { task, context };
}

for (const transport of ["jsonrpc", "rest"]) {
  test(`over ${transport}, "no" streamed to a paused task resumes it to completion; no protocol error on either side`, async () => {
    const tag = `ask-${randomUUID()}`;
    const { task, context } = await pausedTask(tag, "Refused, fine.");
    const answered = await a2a(
      "send",
      running.serve.endpoints.http,
      "no",
      "--stream",
      "--task",
      task,
      "--context",
      context,
      "--transport",
      transport,
    );
    assert.equal(answered.code, 0, answered.stderr);
    assert.equal(answered.stdout.trim(), "Refused, fine.");
    assert.match(answered.stderr, new RegExp(`^completed task ${task} · context ${context}$`, "m"));
    assert.doesNotMatch(running.serve.stderr(), /before initial|^\s+at /m);
    const refused = running.fake.requests.filter((r) => r.prompt.users.at(-1)?.includes(tag)).at(-1)!;
    assert.match(JSON.stringify(refused.body), /the client answered: no/);
  });
}

test("a streamed answer's first event is the task; a send that fails (wrong context) answers nothing", async () => {
  const tag = `ask-${randomUUID()}`;
  const { task } = await pausedTask(tag, "Allowed and done.");
  const wrong = await a2a("send", running.serve.endpoints.http, "yes", "--stream", "--task", task, "--context", "x");
  assert.equal(wrong.code, 1);
  assert.equal(wrong.stderr.trim().split("\n").length, 1, wrong.stderr);
  const still = await a2a("get", running.serve.endpoints.http, task, "--json");
  assert.equal(jsonLines(still.stdout)[0]!.status.state, "TASK_STATE_INPUT_REQUIRED");

  const answered = await a2a("send", running.serve.endpoints.http, "yes", "--stream", "--json", "--task", task);
  assert.equal(answered.code, 0, answered.stderr);
  const events = jsonLines(answered.stdout);
  assert.equal(events[0]!.task?.id, task, "the first streamed event is the task");
  assert.equal(events.at(-1)!.statusUpdate.status.state, "TASK_STATE_COMPLETED");
});

test("a subscriber to a paused task gets the task once, then the answered run's updates to the end (spec §3.1.2)", async () => {
  const tag = `ask-${randomUUID()}`;
  const { task } = await pausedTask(tag, "Subscribed and done.");
  const response = await fetch(`${running.serve.endpoints.rest}/tasks/${task}:subscribe`, {
    headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
  });
  assert.equal(response.status, 200);
  const events = readSse(response.body!)[Symbol.asyncIterator]();
  const first = JSON.parse((await events.next()).value.data);
  assert.equal(first.task?.id, task);
  const answered = await a2a("send", running.serve.endpoints.http, "yes", "--task", task);
  assert.equal(answered.code, 0, answered.stderr);
  const rest: Array<Record<string, any>> = [];
  for (let next = await events.next(); !next.done; next = await events.next()) rest.push(JSON.parse(next.value.data));
  assert.deepEqual(
    rest.filter((e) => e.task),
    [],
    "no second task event",
  );
  assert.equal(rest.at(-1)!.statusUpdate.status.state, "TASK_STATE_COMPLETED");
});
