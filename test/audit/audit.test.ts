import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openAuditTrail, type AuditInput } from "../../src/audit/index.ts";
import { AUDIT_INDEX } from "../../src/audit/audit-index.ts";
import { indexPath, LogIndex } from "../../src/events/log-index.ts";
import { openSqlite } from "../../src/storage/sqlite.ts";
import { listSegments, sealLiveSegment, segmentPath } from "../../src/events/log/index.ts";
import { tempDir } from "../events/temp-dir.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

const event = (i: number, extra: Partial<AuditInput> = {}): AuditInput => ({
  actor: i % 2 ? "alice" : "bob",
  action: i % 3 ? "tool.bash" : "task.create",
  resource: `task/${i}`,
  status: "success",
  details: { i },
  ...extra,
});

/** A writer slot under a fresh audit dir (its writers registry sits beside it). */
function writerDir(): string {
  return join(tempDir("codetether-audit-"), "writer-1");
}

async function writeTrail(count: number, segmentBytes = 64 * 1024): Promise<string> {
  const dir = writerDir();
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { segmentBytes, fsync: { batchMs: 1, maxBatch: 100 } });
  await Promise.all(Array.from({ length: count }, (_, i) => trail.append(event(i + 1))));
  await trail.close();
  return dir;
}

/** Rewrites one segment's lines through `edit` (the audit trail is closed meanwhile). */
function editLines(dir: string, segment: number, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(segmentPath(dir, segment), "utf8").split("\n").slice(0, -1);
  writeFileSync(
    segmentPath(dir, segment),
    edit(lines)
      .map((line) => `${line}\n`)
      .join(""),
  );
}

test("records chain by hash; the chain verifies and resumes after reopening", async () => {
  const dir = await writeTrail(20, 1500);
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { segmentBytes: 1500 });
  const next = await trail.append(event(21));
  assert.equal(next.record.seq, 21);
  const result = await trail.verify();
  assert.deepEqual(result, { ok: true, records: 21, last_seq: 21, last_hash: next.record.hash, legacy: 0 });
  const first = await trail.recent(1);
  assert.equal(first.entries[0]?.record.seq, 21);
  await trail.close();
});

test("the chain verifies across segments closed by size, by age and by seal, and resumes after reopening", async () => {
  const dir = writerDir();
  let clock = Date.now();
  const options = { segmentBytes: 1000, segmentMaxAgeMs: 60_000, now: () => clock };
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, options);
  for (let i = 1; i <= 6; i++) await trail.append(event(i)); // a few records per segment
  const bySize = listSegments(dir).length;
  assert.ok(bySize > 1);
  clock += 60_000;
  assert.equal((await trail.append(event(7))).segment, bySize + 1);
  await trail.close();
  assert.equal(await sealLiveSegment(dir), "sealed");

  const reopened = await openAuditTrail(dir, TEST_AUDIT_KEY, options);
  const next = await reopened.append(event(8));
  assert.deepEqual(next.segment, bySize + 2);
  assert.equal(next.record.seq, 8);
  assert.deepEqual(await reopened.verify(), {
    ok: true,
    records: 8,
    last_seq: 8,
    last_hash: next.record.hash,
    legacy: 0,
  });
  assert.deepEqual(
    (await reopened.query({ actor: "alice" })).entries.map((entry) => entry.record.seq),
    [1, 3, 5, 7],
  );
  await reopened.close();
});

test("editing one byte of an old record fails verification at exactly that record", async () => {
  const dir = await writeTrail(30);
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const target = (await trail.query({ resource: "task/7" })).entries[0]!;
  await trail.close();
  const bytes = readFileSync(segmentPath(dir, 1));
  const at = bytes.indexOf("task/7", target.offset) + 5;
  bytes[at] = "8".charCodeAt(0);
  writeFileSync(segmentPath(dir, 1), bytes);
  const reopened = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const result = await reopened.verify();
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.deepEqual([result.problem, result.seq, result.segment, result.offset], ["edited", 7, 1, target.offset]);
  await reopened.close();
});

test("a byte edit that breaks the JSON is reported at that record too", async () => {
  const dir = await writeTrail(10);
  let offset = 0;
  editLines(dir, 1, (lines) => {
    offset = lines.slice(0, 4).reduce((sum, line) => sum + line.length + 1, 0);
    lines[4] = `x${lines[4]!.slice(1)}`;
    return lines;
  });
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const result = await trail.verify();
  assert.ok(!result.ok);
  assert.deepEqual([result.problem, result.seq, result.expected_seq, result.offset], ["edited", null, 5, offset]);
  await trail.close();
});

test("breaking the JSON of the last record is reported, although reopening cuts it away like a torn write", async () => {
  const dir = await writeTrail(10);
  let offset = 0;
  editLines(dir, 1, (lines) => {
    offset = lines.slice(0, 9).reduce((sum, line) => sum + line.length + 1, 0);
    lines[9] = `x${lines[9]!.slice(1)}`;
    return lines;
  });
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const result = await trail.verify();
  assert.ok(!result.ok);
  assert.deepEqual(
    [result.problem, result.records, result.expected_seq, result.segment, result.offset],
    ["edited", 9, 10, 1, offset],
  );
  assert.match(result.message, /cut from the end of the log when it was reopened \(kept in 00000001\.jsonl\.cut-\d+\)/);
  assert.match(readFileSync(`${segmentPath(dir, 1)}.cut-${offset}`, "utf8"), /^x.*"seq":10/);
  await trail.close();
});

test("a deleted record is detected where the gap starts", async () => {
  const dir = await writeTrail(10);
  editLines(dir, 1, (lines) => lines.filter((_, i) => i !== 3));
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const result = await trail.verify();
  assert.ok(!result.ok);
  assert.deepEqual([result.problem, result.seq, result.expected_seq], ["deleted", 5, 4]);
  await trail.close();
});

test("two swapped records are detected as reordered", async () => {
  const dir = await writeTrail(10);
  editLines(dir, 1, (lines) => {
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    return lines;
  });
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const result = await trail.verify();
  assert.ok(!result.ok);
  assert.deepEqual([result.problem, result.seq, result.expected_seq], ["reordered", 7, 6]);
  await trail.close();
});

test("secrets never reach the disk", async () => {
  const dir = writerDir();
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  await trail.append({
    actor: "alice",
    action: "http.request",
    resource: "/v1/tasks?token=abc123&x=1",
    status: "success",
    details: {
      headers: { Authorization: "Bearer abc.def.ghi", "x-api-key": "k-123" },
      api_key: "sk-1234567890abcdefghij",
      password: "hunter2",
      client_secret: "shh",
      nested: [{ refreshToken: "r-1" }, "curl -H 'Authorization: Bearer zzz999'"],
      input_tokens: 42,
    },
  });
  await trail.close();
  const text = readFileSync(segmentPath(dir, 1), "utf8");
  for (const secret of ["abc123", "abc.def.ghi", "k-123", "sk-1234567890", "hunter2", "shh", "r-1", "zzz999"]) {
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  }
  const record = JSON.parse(text);
  assert.equal(record.details.input_tokens, 42);
  assert.equal(record.details.password, "[REDACTED]");
  assert.equal(record.resource, "/v1/tasks?token=[REDACTED]&x=1");
});

test("query filters by actor, action, correlation ids and time, with cursor paging; recent pages backwards", async () => {
  const dir = writerDir();
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { fsync: { batchMs: 1, maxBatch: 100 } });
  const day = (d: number) => `2025-03-${String(d).padStart(2, "0")}T00:00:00.000Z`;
  await Promise.all(
    Array.from({ length: 30 }, (_, k) =>
      trail.append(
        event(k + 1, {
          ts: day(k + 1),
          session_id: k < 10 ? "s1" : "s2",
          okr_run_id: "r1",
          relay_id: k % 5 ? null : "relay-1",
        }),
      ),
    ),
  );
  const seqs = (page: { entries: { record: { seq: number } }[] }) => page.entries.map((entry) => entry.record.seq);
  assert.deepEqual(seqs(await trail.query({ actor: "alice", session_id: "s1" })), [1, 3, 5, 7, 9]);
  assert.deepEqual(seqs(await trail.query({ relay_id: "relay-1", okr_run_id: "r1" })), [1, 6, 11, 16, 21, 26]);
  assert.deepEqual(seqs(await trail.query({ action: "task.create", from: day(10), to: day(20) })), [12, 15, 18]);
  const first = await trail.query({ actor: "bob", limit: 10 });
  const second = await trail.query({ actor: "bob", limit: 10, cursor: first.nextCursor });
  assert.deepEqual(
    [...seqs(first), ...seqs(second)],
    Array.from({ length: 15 }, (_, k) => 2 * k + 2),
  );
  assert.equal(second.nextCursor, undefined);
  const newest = await trail.recent(4);
  const older = await trail.recent(4, newest.nextCursor);
  assert.deepEqual([...seqs(newest), ...seqs(older)], [30, 29, 28, 27, 26, 25, 24, 23]);
  await trail.close();
});

test("query filters by replica; a record without one (the SQLite mode) never matches", async () => {
  const dir = writerDir();
  for (const replicaId of ["replica-a", "replica-b", undefined, "replica-a"]) {
    const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { replicaId });
    await trail.append(event(1));
    await trail.close();
  }
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  const seqs = async (replica_id: string) => (await trail.query({ replica_id })).entries.map((e) => e.record.seq);
  assert.deepEqual(await seqs("replica-a"), [1, 4]);
  assert.deepEqual(await seqs("replica-b"), [2]);
  assert.deepEqual(await seqs(""), []);
  await trail.close();
});

test("an index made before the replica_id column is rebuilt by its writer; a reader of it refuses that filter", async () => {
  const dir = writerDir();
  for (const replicaId of ["replica-a", "replica-b"]) {
    const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { replicaId });
    await trail.append(event(1));
    await trail.close();
  }
  const old = openSqlite(indexPath(dir));
  old.exec("DROP INDEX entries_replica_id; ALTER TABLE entries DROP COLUMN replica_id");
  old.close();
  const reader = new LogIndex(indexPath(dir), AUDIT_INDEX.columns, AUDIT_INDEX.project, { readonly: true });
  assert.equal(reader.find({ equals: { actor: "alice" }, limit: 10, order: "asc" }).locations.length, 2);
  assert.throws(
    () => reader.find({ equals: { replica_id: "replica-a" }, limit: 10, order: "asc" }),
    /predates the replica_id filter/,
  );
  reader.close();
  const trail = await openAuditTrail(dir, TEST_AUDIT_KEY);
  assert.deepEqual(
    (await trail.query({ replica_id: "replica-b" })).entries.map((e) => e.record.seq),
    [2],
  );
  await trail.close();
});
