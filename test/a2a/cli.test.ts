import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { jsonLines, runCli } from "../support/cli.ts";
import { v1Peer } from "./peers.ts";
import { useServe, TOKEN, waitFor } from "./serve-process.ts";
import { startV03EchoAgent } from "./v03-echo-agent.ts";

const running = useServe();

const a2a = (...args: string[]) =>
  runCli(running.serve.sandbox, ["a2a", ...args], { env: { CODETETHER_AUTH_TOKEN: TOKEN } });

function scripted(...texts: string[]): string {
  const tag = `tag-${randomUUID()}`;
  running.fake.push({ match: { lastUserContains: tag }, items: texts.map((text) => ({ text })) });
  return tag;
}

test("a2a card shows interfaces, skills and the bearer scheme; --json is the 1.0 card", async () => {
  const human = await a2a("card", running.serve.endpoints.http);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /CodeTether Agent/);
  assert.match(human.stdout, new RegExp(`JSONRPC\\s+1\\.0\\s+${running.serve.endpoints.jsonrpc}`));
  assert.match(human.stdout, /GRPC\s+0\.3/);
  assert.match(human.stdout, /security: bearer \(Bearer\)/);
  assert.match(human.stdout, /code-review/);
  const json = await a2a("card", running.serve.endpoints.card, "--json");
  const card = jsonLines(json.stdout)[0]!;
  assert.equal(card.name, "CodeTether Agent");
  assert.equal(card.securitySchemes.bearer.httpAuthSecurityScheme.scheme, "Bearer");
});

for (const transport of ["jsonrpc", "rest", "grpc"]) {
  test(`a2a send over ${transport} prints the answer; --json prints the task`, async () => {
    const r = await a2a("send", running.serve.endpoints.jsonrpc, scripted("The answer."), "--transport", transport);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "The answer.");
    assert.match(r.stderr, /completed task \S+ · context \S+/);
    const json = await a2a(
      "send",
      running.serve.endpoints.http,
      scripted("JSON answer."),
      "--transport",
      transport,
      "--json",
    );
    const task = jsonLines(json.stdout)[0]!;
    assert.equal(task.status.state, "TASK_STATE_COMPLETED");
    assert.equal(task.artifacts.find((a: { name: string }) => a.name === "answer").parts[0].text, "JSON answer.");
  });
}

test("a2a send --stream prints text as it streams; --context continues the conversation", async () => {
  const first = await a2a("send", running.serve.endpoints.http, scripted("Part one, ", "part two."), "--stream");
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout.trim(), "Part one, part two.");
  const contextId = /context (\S+)/.exec(first.stderr)![1]!;
  const tag = scripted("Continued.");
  const second = await a2a("send", running.serve.endpoints.http, tag, "--context", contextId, "--stream", "--json");
  const events = jsonLines(second.stdout);
  assert.ok(events[0]!.task, "the first streamed event is the task");
  assert.equal(events.at(-1)!.statusUpdate.status.state, "TASK_STATE_COMPLETED");
  assert.equal(events[0]!.task.contextId, contextId);
  assert.equal(running.fake.requests.find((r) => r.prompt.users.at(-1)?.includes(tag))!.prompt.users.length, 2);
});

test("a2a get and cancel", async () => {
  const tag = `hang-${randomUUID()}`;
  running.fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "…" }] });
  const peer = await v1Peer(running.serve.endpoints.http, TOKEN, "JSONRPC");
  const task = await peer.send(tag, { immediate: true });
  await waitFor(
    () => running.fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))),
    "the model request",
  );
  const got = await a2a("get", running.serve.endpoints.http, task.id, "--json");
  assert.equal(jsonLines(got.stdout)[0]!.status.state, "TASK_STATE_WORKING");
  const canceled = await a2a("cancel", running.serve.endpoints.http, task.id);
  assert.equal(canceled.code, 0, canceled.stderr);
  assert.match(canceled.stderr, /^canceled task/m);
  const after = await a2a("get", running.serve.endpoints.http, task.id);
  assert.match(after.stderr, /canceled/);
});

test("a2a send --stream --json prints only JSON lines and exits 1 when the task fails", async () => {
  const tag = `fail-${randomUUID()}`;
  running.fake.push({
    match: { lastUserContains: tag },
    error: { status: 401, body: { error: { message: "bad key" } } },
  });
  const r = await a2a("send", running.serve.endpoints.http, tag, "--stream", "--json");
  assert.equal(r.code, 1, r.stdout);
  for (const line of r.stdout.trim().split("\n")) assert.doesNotThrow(() => JSON.parse(line), line);
});

test("errors are one line with a non-zero exit", async () => {
  const missing = await a2a("get", running.serve.endpoints.http, "no-such-task");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^codetether: get failed: .*not found/im);
  const wrongToken = await runCli(running.serve.sandbox, [
    "a2a",
    "send",
    running.serve.endpoints.http,
    "hi",
    "--token",
    "wrong",
  ]);
  assert.equal(wrongToken.code, 1);
  assert.match(wrongToken.stderr, /^codetether: send failed: .*(401|unauth)/im);
  const unreachable = await a2a("card", "http://127.0.0.1:9");
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^codetether: cannot use the agent at http:\/\/127\.0\.0\.1:9/);
  const grpcAddress = await a2a("card", "dns:///127.0.0.1:9");
  assert.equal(grpcAddress.code, 1);
  assert.match(grpcAddress.stderr, /dns:\/\/\/127\.0\.0\.1:9: give the agent's http\(s\) address/);
  for (const r of [missing, wrongToken, unreachable, grpcAddress])
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
});

test("a2a send works against a spec-0.3 agent", async () => {
  const agent = await startV03EchoAgent();
  try {
    const r = await runCli(running.serve.sandbox, ["a2a", "send", agent.url, "hello old friend"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "echo: hello old friend");
  } finally {
    await agent.close();
  }
});
