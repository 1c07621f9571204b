import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { LogLocation } from "../../src/events/log/index.ts";
import { openLogView } from "../../src/events/log-view.ts";
import { EVENT_INDEX, openEventStream, type StreamEvent } from "../../src/events/stream.ts";
import { tempDir } from "./temp-dir.ts";

test("events carry correlation ids (null where absent) and read back by location", async () => {
  const stream = await openEventStream(tempDir());
  const written = await stream.append({ type: "turn.started", session_id: "s1", data: { n: 1 } });
  assert.equal(written.record.okr_id, null);
  assert.equal(written.record.relay_id, null);
  assert.deepEqual(await stream.read(written), written.record);
  await assert.rejects(stream.append({ type: "x", ts: "not a date" }), /not a date/);
  await stream.close();
});

test("a session's events come from the index, in order, page by page", async () => {
  const stream = await openEventStream(tempDir(), { segmentBytes: 512, fsync: { batchMs: 2, maxBatch: 100 } });
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      stream.append({
        type: i % 2 ? "tool.completed" : "text",
        session_id: `s${i % 3}`,
        okr_run_id: i < 30 ? "run-a" : "run-b",
        data: { i },
      }),
    ),
  );
  const first = await stream.session("s1", { limit: 15 });
  const second = await stream.session("s1", { limit: 15, cursor: first.nextCursor });
  assert.equal(second.nextCursor, undefined);
  const indexes = [...first.entries, ...second.entries].map((entry) => (entry.record.data as { i: number }).i);
  assert.deepEqual(
    indexes,
    Array.from({ length: 20 }, (_, k) => 3 * k + 1),
  );
  const combined = await stream.query({ okr_run_id: "run-b", type: "text" });
  assert.deepEqual(
    combined.entries.map((entry) => (entry.record.data as { i: number }).i),
    [30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58],
  );
  await stream.close();
});

test("time range filters on ts", async () => {
  const stream = await openEventStream(tempDir());
  for (const ts of ["2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z"])
    await stream.append({ type: "tick", ts });
  const page = await stream.query({ from: "2025-01-02T00:00:00Z", to: new Date("2025-01-03T00:00:00Z") });
  assert.deepEqual(
    page.entries.map((entry) => entry.record.ts),
    ["2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z"],
  );
  await stream.close();
});

test("the index catches up with the log on open (lost or lagging index)", async () => {
  const dir = tempDir();
  const stream = await openEventStream(dir);
  for (let i = 0; i < 5; i++) await stream.append({ type: "e", session_id: "s", data: { i } });
  await stream.close();
  for (const file of ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"]) rmSync(join(dir, file), { force: true });
  const reopened = await openEventStream(dir);
  await reopened.append({ type: "e", session_id: "s", data: { i: 5 } });
  const page = await reopened.session("s");
  assert.deepEqual(
    page.entries.map((entry) => (entry.record.data as { i: number }).i),
    [0, 1, 2, 3, 4, 5],
  );
  await reopened.close();
});

test("the index writes rows in batches, yet a reader in the writer's own process (the HTTP API's) sees each once the writer indexes", async () => {
  const dir = tempDir();
  const stream = await openEventStream(dir);
  const view = await openLogView(dir, EVENT_INDEX); // the slot is locked by the stream: a read-only view
  for (let i = 0; i < 3; i++) {
    await stream.append({ type: "e", session_id: "s", data: { i } });
    stream.indexNow(); // what serve's HTTP API has its recorder do before each read
    assert.equal(view.find({ equals: { session_id: "s" }, limit: 10, order: "asc" }).locations.length, i + 1);
  }
  await view.close();
  await stream.close();
});

test("follow streams new events", async () => {
  const stream = await openEventStream(tempDir());
  const seen: string[] = [];
  const following = (async () => {
    for await (const entry of stream.follow()) seen.push(entry.record.type);
  })();
  await stream.append({ type: "a" });
  await stream.append({ type: "b" });
  await stream.close();
  await following;
  assert.deepEqual(seen, ["a", "b"]);
});

test("a reader of another writer's index also finds what is durable but not indexed yet, in order, page by page, and once", async () => {
  const dir = tempDir();
  const stream = await openEventStream(dir);
  for (let i = 0; i < 3; i++) await stream.append({ type: "e", session_id: "s", data: { i } });
  stream.indexNow();
  for (let i = 3; i < 6; i++) await stream.append({ type: i === 4 ? "other" : "e", session_id: "s", data: { i } });
  await stream.append({ type: "e", session_id: "t", data: { i: 6 } });
  // Records 3–6 are durable and queued for the index's next batch: the view reads them from the log.
  const view = await openLogView(dir, EVENT_INDEX);
  const read = async (locations: LogLocation[]) =>
    Promise.all(locations.map(async (at) => (JSON.parse((await view.readRaw(at)).toString()) as StreamEvent).data));
  const pages = async (order: "asc" | "desc", equals: Record<string, string>) => {
    const seen: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = view.find({ equals, order, limit: 2, cursor });
      seen.push(...(await read(page.locations)).map((data) => (data as { i: number }).i));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };
  assert.deepEqual(await pages("asc", { session_id: "s" }), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(await pages("desc", { session_id: "s" }), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(await pages("asc", { session_id: "s", type: "e" }), [0, 1, 2, 3, 5]);
  assert.deepEqual(await pages("desc", { session_id: "t" }), [6]);
  stream.indexNow(); // the writer indexes them now: the view, still open, finds each once
  assert.deepEqual(await pages("asc", { session_id: "s" }), [0, 1, 2, 3, 4, 5]);
  await view.close();
  await stream.close();
});
