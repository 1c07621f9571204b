import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { auditDir } from "../../src/audit/paths.ts";
import { mountDurableLogs } from "../../src/durable-logs/mount-durable-logs.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import type { SessionRecorder as Recorder } from "../../src/durable-logs/recorder.ts";
import { createServerApp } from "../../src/server/app.ts";
import { tempDir } from "../events/temp-dir.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

const TOKEN = "test-token-0123456789abcdef";
const dataDir = tempDir("codetether-http-");
let server: Server;
let base: string;
let recorder: Recorder;
let apiAudit: ReturnType<typeof mountDurableLogs>;

before(async () => {
  // Session s1 is written by two writers, one after the other (a run, then a resumed run in another process).
  const first = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY });
  const second = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY });
  for (let i = 0; i < 5; i++) first.recordEvent({ type: "step", session_id: "s1", data: { i } });
  first.recordEvent({ type: "other", session_id: "s2", data: {} });
  await first.close();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the second writer's events are later in time
  for (let i = 5; i < 8; i++) second.recordEvent({ type: "step", session_id: "s1", data: { i } });
  await second.close();

  const app = createServerApp({ token: TOKEN, version: "test" });
  recorder = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY });
  apiAudit = mountDurableLogs(app, recorder, dataDir);
  server = createServer(app.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Response bodies of these tests are JSON objects whose shape each assertion checks. */
const readJson = (res: Response): Promise<any> => res.json();
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

test("GET /v1/events returns a session's records, merged across writers, from a byte offset", async () => {
  const all = await get("/v1/events?session=s1");
  assert.equal(all.status, 200);
  assert.equal(all.headers.get("content-type"), "application/x-ndjson");
  assert.equal(all.headers.get("accept-ranges"), "bytes");
  const body = await all.text();
  const lines = body.split("\n").slice(0, -1);
  assert.deepEqual(
    lines.map((line) => JSON.parse(line).data.i),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  assert.equal(all.headers.get("x-stream-length"), String(Buffer.byteLength(body)));
  assert.equal(all.headers.get("x-next-offset"), String(Buffer.byteLength(body)));

  const third = Buffer.byteLength(lines[0]! + lines[1]!) + 2;
  const fromThird = await get(`/v1/events?session=s1&offset=${third}&limit=2`);
  assert.deepEqual(
    (await fromThird.text())
      .split("\n")
      .slice(0, -1)
      .map((line) => JSON.parse(line).data.i),
    [2, 3],
  );
  assert.equal(fromThird.headers.get("x-next-offset"), String(third + Buffer.byteLength(lines[2]! + lines[3]!) + 2));

  const atEnd = await get(`/v1/events?session=s1&offset=${Buffer.byteLength(body)}`);
  assert.equal(atEnd.status, 200);
  assert.equal(await atEnd.text(), "");
  const inside = await get(`/v1/events?session=s1&offset=${third + 3}`);
  assert.equal(inside.status, 400);
  assert.match((await readJson(inside)).error.message, /is not the start of a record/);
  const noSession = await get("/v1/events");
  assert.equal(noSession.status, 400);
  assert.equal((await readJson(noSession)).error.message, "the session query parameter is required");
});

test("GET /v1/events honours Range on the session's byte stream", async () => {
  const body = Buffer.from(await (await get("/v1/events?session=s1")).arrayBuffer());
  const total = body.length;
  const middle = await get("/v1/events?session=s1", { range: "bytes=10-49" });
  assert.equal(middle.status, 206);
  assert.equal(middle.headers.get("content-range"), `bytes 10-49/${total}`);
  assert.deepEqual(Buffer.from(await middle.arrayBuffer()), body.subarray(10, 50));
  const suffix = await get("/v1/events?session=s1", { range: "bytes=-20" });
  assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), body.subarray(total - 20));
  const open = await get("/v1/events?session=s1", { range: `bytes=${total - 5}-` });
  assert.deepEqual(Buffer.from(await open.arrayBuffer()), body.subarray(total - 5));
  const past = await get("/v1/events?session=s1", { range: `bytes=${total}-` });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get("content-range"), `bytes */${total}`);
});

test("every API call is audited (refused ones too) and the audit API pages and filters them; no token is written", async () => {
  const refused = await fetch(`${base}/v1/audit/events`, { headers: { authorization: "Bearer wrong-token-value" } });
  assert.equal(refused.status, 401);
  apiAudit.flush(); // refusals are counted per second, then written as one record
  await get("/v1/events?session=s2");
  await recorder.flush();

  const newest = await readJson(await get("/v1/audit/events?limit=2"));
  assert.equal(newest.events.length, 2);
  assert.deepEqual(
    newest.events.map((r: { resource: string }) => r.resource),
    ["/v1/events", "/v1/audit/events"],
  );
  assert.ok(newest.events[0].seq > newest.events[1].seq);
  assert.match(newest.events[0].actor, /^token:[0-9a-f]{12}$/);
  assert.deepEqual([newest.events[1].actor, newest.events[1].status], ["peer:127.0.0.1", "401"]);
  assert.equal(typeof newest.next_cursor, "string");
  const older = await readJson(await get(`/v1/audit/events?limit=100&cursor=${newest.next_cursor}`));
  assert.ok(older.events.every((r: { seq: number }) => r.seq < newest.events[1].seq));
  assert.equal(older.next_cursor, null);

  const post = (body: unknown) =>
    fetch(`${base}/v1/audit/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const failed = await readJson(await post({ action: "api.http", status: "401" }));
  assert.deepEqual(
    failed.events.map((r: { resource: string; details: { method: string } }) => [r.resource, r.details.method]),
    [["/v1/audit/events", "GET"]],
  );
  const since = await readJson(await post({ from: new Date(Date.now() + 60_000).toISOString() }));
  assert.deepEqual(since.events, []);
  const bad = await post({ from: "yesterday" });
  assert.equal(bad.status, 400);
  assert.equal((await readJson(bad)).error.message, "from: must be an ISO 8601 time");
  assert.equal((await post({ colour: "red" })).status, 400);
  assert.equal((await get("/v1/audit/events?cursor=nonsense")).status, 400);
  // Cursors no page handed out: a slot's position of another type is a 400, not an internal error.
  for (const crafted of [{ "writer-1": 5 }, { "writer-1": true }, { a: { b: 1 } }, { "writer-1": "../x" }]) {
    const cursor = Buffer.from(JSON.stringify(crafted)).toString("base64url");
    assert.equal((await get(`/v1/audit/events?cursor=${cursor}`)).status, 400, JSON.stringify(crafted));
    assert.equal((await post({ cursor })).status, 400, JSON.stringify(crafted));
  }
  // A body sent as a form (curl -d) is refused, not run as a query without filters.
  const form = await fetch(`${base}/v1/audit/query`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-www-form-urlencoded" },
    body: JSON.stringify({ action: "k8s.scale", limit: 1 }),
  });
  assert.equal(form.status, 415);

  for (const slot of readdirSync(auditDir(dataDir)).filter((name) => name.startsWith("writer-"))) {
    const text = readdirSync(join(auditDir(dataDir), slot))
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => readFileSync(join(auditDir(dataDir), slot, f), "utf8"))
      .join("");
    assert.ok(!text.includes(TOKEN) && !text.includes("wrong-token-value"));
  }
});
