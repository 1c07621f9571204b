// The data dir holds sessions, logs, tasks and credentials: it is 0700 and every file in it 0600,
// whatever the umask, after a run and after serve has run a task.
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { v1Peer } from "../a2a/peers.ts";
import { startServe, TOKEN } from "../a2a/serve-process.ts";
import { runCli, useFakeModelSandbox } from "../support/cli.ts";

const t = useFakeModelSandbox({ configure: true });

/** Every path under `dir` with its permission bits. */
function modes(dir: string): Array<[string, number, boolean]> {
  const found: Array<[string, number, boolean]> = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    found.push([name, stat.mode & 0o777, stat.isDirectory()]);
  }
  return found;
}

function assertPrivate(dataDir: string): void {
  assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  const files = modes(dataDir).filter(([, , isDir]) => !isDir);
  assert.ok(files.length > 5, "the run left files behind");
  assert.deepEqual(
    files.filter(([, mode]) => mode !== 0o600).map(([name, mode]) => `${name} ${mode.toString(8)}`),
    [],
  );
}

test("after a run (session, events, audit, tool output) with a permissive umask", async () => {
  t.fake.push([{ tool: "bash", input: { command: "seq 1 5000" } }], "done");
  const previous = process.umask(0o022); // the CLI inherits it
  const r = await runCli(t.sandbox, ["run", "-m", "fake/fake-model", "count"]).finally(() => process.umask(previous));
  assert.equal(r.code, 0, r.stderr);
  assertPrivate(t.sandbox.dataDir);
});

test("after serve has run a task (auth token, task store, push configs, logs)", async () => {
  const previous = process.umask(0o022);
  const serve = await startServe({ fake: t.fake, sandbox: t.sandbox, env: { CODETETHER_AUTH_TOKEN: "" } });
  try {
    const peer = await v1Peer(serve.endpoints.http, serve.endpoints.token ?? TOKEN, "JSONRPC");
    t.fake.push("ok");
    assert.equal((await peer.send("hello")).state, "completed");
  } finally {
    await serve.stop();
    process.umask(previous);
  }
  assertPrivate(t.sandbox.dataDir);
});
