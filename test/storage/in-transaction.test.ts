import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { inTransaction, openDatabase } from "../../src/storage/database.ts";

const dataDir = mkdtempSync(join(tmpdir(), "codetether-tx-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const db = openDatabase(dataDir);
db.exec("CREATE TABLE IF NOT EXISTS tx_rows (n INTEGER)");
const rows = () => (db.prepare("SELECT n FROM tx_rows ORDER BY n").all() as { n: number }[]).map((r) => r.n);
const insert = (n: number) => db.prepare("INSERT INTO tx_rows (n) VALUES (?)").run(n);

test("commits the work's writes together and returns what it returns", () => {
  assert.equal(
    inTransaction(db, () => (insert(1), insert(2), "done")),
    "done",
  );
  assert.deepEqual(rows(), [1, 2]);
});

test("rolls back all of a failed work's writes, and only a nested failure's own when it is caught", () => {
  assert.throws(() => inTransaction(db, () => (insert(3), inTransaction(db, () => insert(4)), assert.fail("x"))));
  assert.deepEqual(rows(), [1, 2]);
  inTransaction(
    db,
    () => {
      insert(5);
      assert.throws(() => inTransaction(db, () => (insert(6), assert.fail("inner"))));
    },
    "immediate",
  );
  assert.deepEqual(rows(), [1, 2, 5]);
  assert.equal(db.inTransaction, false);
});
