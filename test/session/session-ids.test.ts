import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { it } from "node:test";
import { SessionStore } from "../../src/session/store.ts";

it("makes session ids that sort in the order the sessions were made, each one distinct", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "codetether-ids-"));
  try {
    const store = SessionStore.open(dataDir);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(store.create({ directory: "/w", model: "fake/m", agent: "build" }).id);
      await sleep(2);
    }
    const sameMs = Array.from(
      { length: 200 },
      () => store.create({ directory: "/w", model: "fake/m", agent: "build" }).id,
    );
    for (const id of [...ids, ...sameMs]) assert.match(id, /^ses_[0-9a-f]{24}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(sameMs).size, sameMs.length);
    assert.ok(sameMs.every((id) => id > ids.at(-1)!));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
