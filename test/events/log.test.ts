import assert from "node:assert/strict";
import { appendFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import {
  cutFiles,
  listSegments,
  type AppendLog,
  LogBusyError,
  LogReader,
  openLog,
  sealLiveSegment,
  segmentPath,
  type LogEntry,
  type RawEntry,
} from "../../src/events/log/index.ts";
import { join } from "node:path";
import { tempDir } from "./temp-dir.ts";

interface Rec {
  i: number;
  text?: string;
}

test("append resolves to a location that reads the record back, with and without its length", async () => {
  const log = await openLog<Rec>(tempDir());
  const first = await log.append({ i: 1 });
  const second = await log.append({ i: 2, text: "line\nbreak" });
  assert.deepEqual(first, { segment: 1, offset: 0, length: 8 });
  assert.equal(second.offset, 8);
  assert.deepEqual(await log.read(second), { i: 2, text: "line\nbreak" });
  assert.deepEqual(await log.read({ segment: 1, offset: 8 }), { i: 2, text: "line\nbreak" });
  await assert.rejects(log.read({ segment: 1, offset: 3 }), /not the start of a record/);
  await log.close();
});

test("size-based rotation numbers segments and iteration spans them in order", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir, { segmentBytes: 100 });
  const locations = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ i, text: "x".repeat(10) })));
  assert.ok(listSegments(dir).length > 5);
  assert.ok(listSegments(dir).every((segment) => statSync(segmentPath(dir, segment)).size <= 100));
  assert.equal(segmentPath(dir, 1).endsWith("00000001.jsonl"), true);
  const seen: LogEntry<Rec>[] = [];
  for await (const entry of log.entries()) seen.push(entry);
  assert.deepEqual(
    seen.map((entry) => entry.record.i),
    locations.map((_, i) => i),
  );
  assert.deepEqual(
    seen.map(({ segment, offset, length }) => ({ segment, offset, length })),
    locations,
  );
  assert.deepEqual((await log.last())?.record.i, 39);
  const from = locations[20]!;
  const fromTwenty = log.entries(from);
  assert.equal((await fromTwenty.next()).value?.record.i, 20);
  await fromTwenty.return(undefined);
  await log.close();
});

test("readRange returns the records starting inside the byte range", async () => {
  const log = await openLog<Rec>(tempDir());
  const locations = await Promise.all([0, 1, 2, 3].map((i) => log.append({ i })));
  const range = await log.readRange(1, locations[1]!.offset, locations[3]!.offset);
  assert.deepEqual(
    range.map((entry) => entry.record.i),
    [1, 2],
  );
  await log.close();
});

test("batched fsync: appends in one window share one fsync and all resolve", async () => {
  const log = await openLog<Rec>(tempDir(), { fsync: { batchMs: 20, maxBatch: 1000 } });
  const locations = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append({ i })));
  assert.equal(locations.length, 200);
  assert.deepEqual(log.stats(), { appends: 200, fsyncs: 1 });
  await log.close();
});

test("commitNow makes queued appends durable without waiting out the batch window", async () => {
  const log = await openLog<Rec>(tempDir(), { fsync: { batchMs: 60_000, maxBatch: 1000 } });
  const appended = Promise.all([log.append({ i: 1 }), log.append({ i: 2 })]);
  log.commitNow();
  const settled = await Promise.race([
    appended.then(() => "durable"),
    new Promise((resolve) => setTimeout(resolve, 5_000, "still waiting").unref()),
  ]);
  assert.equal(settled, "durable");
  assert.deepEqual(log.stats(), { appends: 2, fsyncs: 1 });
  await log.close();
});

test("fsync always: one fsync per record; maxBatch bounds a batch", async () => {
  const always = await openLog<Rec>(tempDir(), { fsync: "always" });
  await Promise.all(Array.from({ length: 10 }, (_, i) => always.append({ i })));
  assert.equal(always.stats().fsyncs, 10);
  await always.close();
  const bounded = await openLog<Rec>(tempDir(), { fsync: { batchMs: 1000, maxBatch: 5 } });
  await Promise.all(Array.from({ length: 10 }, (_, i) => bounded.append({ i })));
  assert.equal(bounded.stats().fsyncs, 2);
  await bounded.close();
});

/** Follows `log` from its start until `count` records were seen; resolves with their `i`s. */
async function followFirst(log: AppendLog<Rec>, count: number): Promise<number[]> {
  const controller = new AbortController();
  const seen: number[] = [];
  for await (const entry of log.follow({ from: "start", signal: controller.signal })) {
    seen.push(entry.record.i);
    if (seen.length === count) controller.abort();
  }
  return seen;
}

test("follow yields existing and new records across rotations, and stops on abort", async () => {
  const log = await openLog<Rec>(tempDir(), { segmentBytes: 30, fsync: { batchMs: 1, maxBatch: 3 } });
  await log.append({ i: 0 });
  const following = followFirst(log, 20);
  for (let i = 1; i < 20; i++) await log.append({ i });
  assert.deepEqual(
    await following,
    Array.from({ length: 20 }, (_, i) => i),
  );
  await log.close();
});

test("follow from the end sees only new records and ends when the log closes", async () => {
  const log = await openLog<Rec>(tempDir());
  await log.append({ i: 0 });
  const seen: number[] = [];
  const following = (async () => {
    for await (const entry of log.follow()) seen.push(entry.record.i);
  })();
  await log.append({ i: 1 });
  await log.append({ i: 2 });
  await log.close();
  await following;
  assert.deepEqual(seen, [1, 2]);
});

test("reopening continues after the last record; a second writer is refused", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir, { segmentBytes: 50 });
  for (let i = 0; i < 10; i++) await log.append({ i });
  await assert.rejects(openLog(dir), /already open for writing/);
  await log.close();
  const again = await openLog<Rec>(dir, { segmentBytes: 50 });
  const next = await again.append({ i: 10 });
  assert.deepEqual(await again.read(next), { i: 10 });
  const all: number[] = [];
  for await (const entry of again.entries()) all.push(entry.record.i);
  assert.deepEqual(
    all,
    Array.from({ length: 11 }, (_, i) => i),
  );
  await again.close();
});

test("last() looks past an empty newest segment (crash right after rotation)", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir, { segmentBytes: 20 });
  for (let i = 0; i < 4; i++) await log.append({ i });
  await log.close();
  writeFileSync(segmentPath(dir, listSegments(dir).at(-1)! + 1), "");
  const reopened = await openLog<Rec>(dir, { segmentBytes: 20 });
  assert.equal((await reopened.last())?.record.i, 3);
  await reopened.close();
});

test("a torn last line (no newline, or unparsable) is truncated on open", async () => {
  for (const garbage of ['{"i":99,"te', '{"i":99 broken}\n', "\0\0\0\0"]) {
    const dir = tempDir();
    const log = await openLog<Rec>(dir);
    const kept = await log.append({ i: 1 });
    await log.close();
    appendFileSync(segmentPath(dir, 1), garbage);
    const reopened = await openLog<Rec>(dir);
    assert.equal(statSync(segmentPath(dir, 1)).size, kept.length, JSON.stringify(garbage));
    const next = await reopened.append({ i: 2 });
    assert.deepEqual(await reopened.read(next), { i: 2 });
    assert.equal(readFileSync(segmentPath(dir, 1), "utf8"), '{"i":1}\n{"i":2}\n');
    // Only a whole line that does not parse (not what a killed writer leaves) is kept for inspection.
    assert.deepEqual(
      cutFiles(dir).map((cut) => readFileSync(join(dir, cut.name), "utf8")),
      garbage.endsWith("\n") ? [garbage] : [],
    );
    await reopened.close();
  }
});

async function collect<T>(entries: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

const recordsOf = (raws: RawEntry[]) => raws.map((raw) => (JSON.parse(raw.bytes.toString()) as Rec).i);

test("a segment is closed once its first record is segmentMaxAgeMs old: on append, and on opening it later", async () => {
  const dir = tempDir();
  let clock = Date.now();
  const options = { segmentMaxAgeMs: 60_000, now: () => clock };
  const log = await openLog<Rec>(dir, options);
  assert.equal((await log.append({ i: 0 })).segment, 1);
  clock += 59_000;
  assert.equal((await log.append({ i: 1 })).segment, 1);
  clock += 1_000; // segment 1's first record is a minute old now
  assert.equal((await log.append({ i: 2 })).segment, 2);
  await log.close();

  clock += 60_000; // reopened a minute later, nothing appended meanwhile: segment 2 is closed on opening
  const reopened = await openLog<Rec>(dir, options);
  assert.deepEqual(listSegments(dir), [1, 2, 3]);
  assert.deepEqual(reopened.end(), { segment: 3, offset: 0 });
  assert.deepEqual(await reopened.append({ i: 3 }), { segment: 3, offset: 0, length: 8 });
  assert.deepEqual(
    (await collect(reopened.entries())).map((entry) => entry.record.i),
    [0, 1, 2, 3],
  );
  await reopened.close();

  clock = Date.now(); // reopened before segment 3 is a minute old: it stays the live one
  const young = await openLog<Rec>(dir, options);
  assert.equal((await young.append({ i: 4 })).segment, 3);
  await young.close();
});

test("an idle writer closes its segment when the age runs out, without another append", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir, { segmentMaxAgeMs: 50 });
  await log.append({ i: 0 });
  for (const deadline = Date.now() + 10_000; log.end().segment === 1 && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(log.end(), { segment: 2, offset: 0 });
  assert.deepEqual(listSegments(dir), [1, 2]);
  assert.equal((await log.append({ i: 1 })).segment, 2);
  await log.close();
});

test("seal closes the live segment: appends go on in the next, followers and readers cross it", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir);
  const following = followFirst(log, 3);
  const first = await log.append({ i: 0 });
  await log.seal();
  assert.deepEqual(listSegments(dir), [1, 2]);
  assert.equal(statSync(segmentPath(dir, 2)).size, 0);
  assert.deepEqual(new LogReader(dir).end(), { segment: 2, offset: 0 });
  await log.seal(); // the live segment holds no records: nothing to close
  assert.deepEqual(listSegments(dir), [1, 2]);
  assert.equal((await log.last())?.record.i, 0);

  assert.equal((await log.append({ i: 1 })).segment, 2);
  await log.append({ i: 2 });
  assert.deepEqual(await following, [0, 1, 2]);
  const reader = new LogReader(dir);
  assert.deepEqual(recordsOf(await collect(reader.rawEntries())), [0, 1, 2]);
  // A position at the end of the sealed segment continues in the next one.
  assert.deepEqual(recordsOf(await collect(reader.rawEntries({ segment: 1, offset: first.length }))), [1, 2]);
  await reader.close();
  await log.close();
});

test("sealLiveSegment seals a log no process writes, leaves an empty live segment, and never opens a second writer", async () => {
  const dir = tempDir();
  const log = await openLog<Rec>(dir);
  await log.append({ i: 0 });
  const busy = await sealLiveSegment(dir);
  assert.ok(busy instanceof LogBusyError);
  assert.equal(busy.owner, process.pid);
  assert.deepEqual(listSegments(dir), [1]);
  await log.close();

  assert.equal(await sealLiveSegment(dir), "sealed");
  assert.deepEqual(listSegments(dir), [1, 2]);
  assert.equal(await sealLiveSegment(dir), "empty");
  assert.deepEqual(listSegments(dir), [1, 2]);
  assert.equal(await sealLiveSegment(tempDir()), "empty");
});
