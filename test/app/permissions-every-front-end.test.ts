// One permission engine for every front end: with `[default] agent = "plan"` (read-only), the same
// write_file call is refused through run, the TUI session, serve (A2A), a worker and a sub-agent.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { configSchema } from "../../src/config/schema.ts";
import { TuiSession } from "../../src/tui/session/tui-session.ts";
import { v1Peer } from "../a2a/peers.ts";
import { startServe, TOKEN } from "../a2a/serve-process.ts";
import { fakeProviderToml, runCli, useFakeModelSandbox } from "../support/cli.ts";
import { startFakeModel } from "../support/fake-model.ts";
import { api, startWorker } from "../worker/cluster.ts";

const PLAN = '[default]\nagent = "plan"\n';
const t = useFakeModelSandbox();

/** The model tries to write `file`, then answers; returns the tag its turns answer to. */
function scriptForbiddenWrite(fake: { push: (...turns: any[]) => void }, file: string): string {
  const tag = `tag-${randomUUID()}`;
  fake.push(
    { match: { lastUserContains: tag }, items: [{ tool: "write_file", input: { path: file, content: "x" } }] },
    { match: { lastUserContains: tag }, items: [{ text: "could not write" }] },
  );
  return tag;
}

const refusalSent = (fake: { requests: Array<{ body: any }> }) =>
  fake.requests.some((r) => /permission denied: write_file/.test(JSON.stringify(r.body)));

test("run: the plan agent's write_file is refused", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}${PLAN}`);
  const file = join(t.sandbox.workspace, "run.txt");
  const tag = scriptForbiddenWrite(t.fake, file);
  const r = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", tag]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(file), false);
  assert.ok(refusalSent(t.fake));
});

test("run: a sub-agent hired by the plan agent cannot write either", async () => {
  t.sandbox.writeConfig(`${fakeProviderToml(t.fake.url)}${PLAN}`);
  const file = join(t.sandbox.workspace, "sub.txt");
  const inner = `inner-${randomUUID()}`;
  const tag = `tag-${randomUUID()}`;
  t.fake.push(
    {
      match: { lastUserContains: tag },
      items: [{ tool: "task", input: { agent: "build", description: "write", prompt: inner } }],
    },
    { match: { lastUserContains: inner }, items: [{ tool: "write_file", input: { path: file, content: "x" } }] },
    { match: { lastUserContains: inner }, items: [{ text: "sub-agent could not write" }] },
    { match: { lastUserContains: tag }, items: [{ text: "done" }] },
  );
  const r = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", tag]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(file), false);
  assert.ok(refusalSent(t.fake));
});

test("TUI: the plan agent's write_file is refused", async () => {
  const root = mkdtempSync(join(tmpdir(), "tui-perm-"));
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  const config = configSchema.parse({
    default: { agent: "plan" },
    providers: { fake: { type: "openai-compatible", base_url: `${t.fake.url}/v1`, model: "fake-model" } },
  });
  const session = await TuiSession.open({
    config,
    dataDir: join(root, "data"),
    workspace,
    modelRef: "fake/fake-model",
  });
  try {
    const file = join(workspace, "tui.txt");
    await session.submit(scriptForbiddenWrite(t.fake, file));
    assert.equal(existsSync(file), false);
    assert.ok(refusalSent(t.fake));
  } finally {
    await session.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test("serve (A2A): the plan agent's write_file is refused", async () => {
  const serve = await startServe({ fake: t.fake, toml: PLAN });
  try {
    const peer = await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC");
    const file = join(serve.sandbox.workspace, "a2a.txt");
    const task = await peer.send(scriptForbiddenWrite(t.fake, file));
    assert.equal(task.state, "completed");
    assert.equal(existsSync(file), false);
    assert.ok(refusalSent(t.fake));
  } finally {
    await serve.stop();
    serve.sandbox.cleanup();
  }
});

test("worker: the plan agent's write_file is refused", async () => {
  const serveModel = await startFakeModel();
  const serve = await startServe({ fake: serveModel, toml: "worker_heartbeat_timeout_secs = 3\n" });
  const workspace = join(serve.sandbox.root, "shared");
  mkdirSync(workspace);
  const worker = startWorker({
    fake: t.fake,
    server: serve.endpoints.http,
    name: "w1",
    workspace,
    toml: 'agent = "plan"\n',
  });
  try {
    const file = join(workspace, "worker.txt");
    const tag = scriptForbiddenWrite(t.fake, file);
    const created = await api(serve, "POST", "/v1/agent/tasks", { prompt: tag, workspace });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    let status = "";
    for (let i = 0; i < 200 && !["completed", "failed"].includes(status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await api(serve, "GET", `/v1/agent/tasks/${created.body.task.id}`)).body.task?.status;
    }
    assert.equal(status, "completed");
    assert.equal(existsSync(file), false);
    assert.ok(refusalSent(t.fake));
  } finally {
    await worker.stop();
    await serve.stop();
    await serveModel.close();
    worker.sandbox.cleanup();
    serve.sandbox.cleanup();
  }
});
