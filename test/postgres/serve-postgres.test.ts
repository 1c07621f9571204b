import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pg from "pg";
import { makeSandbox, runCli } from "../support/cli.ts";
import { v1Peer } from "../a2a/peers.ts";
import { startServe, TOKEN, useFakeModel, waitFor } from "../a2a/serve-process.ts";
import { MIGRATIONS } from "../../src/postgres/schema.ts";
import { freshDatabase, postgresUnavailableReason } from "./pg-fixture.ts";

const PROBE = new URL("./pg-load-probe.cjs", import.meta.url).pathname;
const reason = await postgresUnavailableReason();
const model = useFakeModel();

/** Environment that records, in the returned file, whether each CLI process loaded `pg`. */
function probed() {
  const file = join(tmpdir(), `ct-pg-probe-${randomUUID()}`);
  return {
    env: { NODE_OPTIONS: `--require ${PROBE}`, PG_PROBE_FILE: file },
    lines: () => readFileSync(file, "utf8").trim().split("\n"),
    remove: () => rmSync(file, { force: true }),
  };
}

test("without a database URL, --help, serve --help, okr list and a SQLite serve never load pg", async () => {
  const probe = probed();
  try {
    const sandbox = makeSandbox();
    for (const args of [["--help"], ["serve", "--help"], ["okr", "list"]]) {
      const result = await runCli(sandbox, args, { env: probe.env });
      assert.equal(result.code, 0, result.stderr);
    }
    const serve = await startServe({ fake: model.fake, env: probe.env });
    model.fake.push({ match: { lastUserContains: "sqlite-task" }, items: [{ text: "stored in sqlite" }] });
    const task = await (await v1Peer(serve.endpoints.http, TOKEN, "JSONRPC")).send("sqlite-task");
    assert.equal(task.state, "completed");
    assert.equal(await serve.stop(), 0);
    assert.deepEqual(probe.lines(), ["pg not loaded", "pg not loaded", "pg not loaded", "pg not loaded"]);
  } finally {
    probe.remove();
  }
});

test(
  "two serves on one database (own data dirs): B sees A's tasks, leaves them while A lives, fails them once A's lease lapses",
  { skip: reason },
  async (t) => {
    const database = await freshDatabase(t);
    const probe = probed();
    t.after(() => probe.remove());
    const env = { ...probe.env, CODETETHER_DATABASE_URL: database.url };
    const toml = "[storage]\nlease_secs = 1\n";

    const first = await startServe({ fake: model.fake, env, toml });
    t.after(() => first.kill().catch(() => undefined));
    const peer = await v1Peer(first.endpoints.http, TOKEN, "JSONRPC");
    model.fake.push({ match: { lastUserContains: "pg-finished" }, items: [{ text: "done in postgres" }] });
    const finished = await peer.send("pg-finished");
    assert.equal(finished.state, "completed");
    const tag = `hang-${randomUUID()}`;
    model.fake.push({ match: { lastUserContains: tag }, hang: true, items: [{ text: "working on it" }] });
    const cutOff = await peer.send(tag, { immediate: true });
    await waitFor(
      () => model.fake.requests.find((r) => r.prompt.users.some((u) => u.includes(tag))),
      "the model request",
    );
    assert.match(
      first.stderr(),
      new RegExp(`database migrated to version ${Math.max(...MIGRATIONS.map((m) => m.version))}`),
    );

    // A new sandbox: its own data dir and SQLite database, only the PostgreSQL database in common.
    const second = await startServe({ fake: model.fake, env, toml });
    try {
      assert.doesNotMatch(second.stderr(), /database migrated/);
      const again = await v1Peer(second.endpoints.http, TOKEN, "HTTP+JSON");
      const kept = await again.get(finished.id);
      assert.equal(kept.state, "completed");
      assert.equal(kept.answer, "done in postgres");
      const listed = await again.list!(50);
      assert.deepEqual(listed.ids.sort(), [finished.id, cutOff.id].sort());
      // A is alive and renewing its lease: B starting and sweeping leaves A's running task alone.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await again.get(cutOff.id)).state, "working");

      await first.kill();
      await waitFor(
        async () => (await again.get(cutOff.id)).state === "failed" || undefined,
        "A's task failed once its lease lapsed",
      );
      // The sweep logs after its commit, so the line can reach stderr a moment after the state is visible.
      await waitFor(
        () => /1 task\(s\) interrupted by a replica that stopped were marked failed/.test(second.stderr()) || undefined,
        "the sweep's report on stderr",
      );
    } finally {
      assert.equal(await second.stop(), 0);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM codetether_replicas");
    await client.end();
    assert.equal(rows[0].n, 0, "B gave its lease up when it stopped; A's lapsed one went with its tasks");
    assert.deepEqual(probe.lines().at(-1), "pg loaded");
  },
);

test(
  "a second replica of the database on the same data dir refuses to start: each needs a data dir of its own",
  { skip: reason },
  async (t) => {
    const database = await freshDatabase(t);
    const env = { CODETETHER_DATABASE_URL: database.url };
    const first = await startServe({ fake: model.fake, env });
    try {
      await assert.rejects(
        startServe({ fake: model.fake, env, sandbox: first.sandbox }),
        /another codetether serve is using the data directory .*replicas of one database each need a data directory of their own/,
      );
    } finally {
      assert.equal(await first.stop(), 0);
      first.sandbox.cleanup();
    }
  },
);

test("a bad or unreachable database URL stops serve with one line that hides the password", async () => {
  const sandbox = makeSandbox();
  const cases = [
    ["mysql://root:hunter2@db/x", /^codetether: invalid CODETETHER_DATABASE_URL: must start with postgres:\/\//],
    ["postgres://root:hunter2@127.0.0.1:1/x", /cannot connect to PostgreSQL at 127\.0\.0\.1:1\/x: /],
  ] as const;
  for (const [url, expected] of cases) {
    const result = await runCli(sandbox, ["serve", "--port", "0", "--grpc-port", "0"], {
      env: { CODETETHER_DATABASE_URL: url, CODETETHER_AUTH_TOKEN: TOKEN },
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, expected);
    assert.doesNotMatch(result.stderr, /hunter2|\n\s+at /);
  }
});
