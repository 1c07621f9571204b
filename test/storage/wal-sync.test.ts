import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openDatabase, type Database } from "../../src/storage/database.ts";
import { WalSync } from "../../src/storage/wal-sync.ts";

let dir: string;
let db: Database;
let syncs = 0;
let restore: () => void;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "wal-sync-"));
  db = openDatabase(dir);
  db.exec("CREATE TABLE t (v INTEGER)");
  // Count the fdatasyncs WalSync makes (FileHandle's prototype is only reachable through a handle).
  const probe = await open(join(dir, "codetether.db"), "r");
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const datasync = proto.datasync;
  proto.datasync = function (this: unknown) {
    syncs++;
    return datasync.call(this);
  };
  restore = () => (proto.datasync = datasync);
});
after(() => {
  restore();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test("durable() fdatasyncs the WAL; callers during a running sync share exactly one more", async () => {
  const wal = new WalSync(db);
  db.prepare("INSERT INTO t VALUES (1)").run();
  syncs = 0;
  const first = wal.durable();
  db.prepare("INSERT INTO t VALUES (2)").run();
  const second = wal.durable();
  const third = wal.durable();
  assert.notEqual(first, second, "a commit made after a sync started waits for the next one");
  assert.equal(second, third, "commits made while a sync runs share the next one");
  await Promise.all([first, second, third]);
  assert.equal(syncs, 2);
  await wal.durable();
  assert.equal(syncs, 3, "a call after the syncs settled starts a new one");
});

test("durable() rejects when the WAL file is missing, and tries again on the next call", async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "wal-sync-missing-"));
  try {
    const wal = new WalSync({ name: join(elsewhere, "none.db") } as Database);
    await assert.rejects(wal.durable(), { code: "ENOENT" });
    writeFileSync(join(elsewhere, "none.db-wal"), "");
    await wal.durable();
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
