// Audit trail append cost: 10,000 records queued as the recorder queues them (group commit, one signed
// head per flush), and 1,000 awaited one by one with an fsync each (a head per record: the worst case);
// plus the HMAC and Ed25519 costs alone. Prints medians; never asserts on time.
//   node --import tsx bench/audit.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditKeyFrom, openAuditTrail, type AuditInput } from "../src/audit/index.ts";
import type { FsyncPolicy } from "../src/events/log/index.ts";
import { median } from "../src/cli/bench/measure.ts";

const RUNS = 5;
const key = auditKeyFrom("bench audit key, not a secret", "bench");
const input = (i: number): AuditInput => ({
  actor: "agent",
  action: "tool.execute",
  resource: "tool/bash",
  status: "success",
  session_id: "bench-session",
  details: { call_id: `call_${i}`, args: { command: "ls -la" }, title: null },
});

/** Microseconds per record. */
async function appendCost(fsync: FsyncPolicy, count: number, queued: boolean): Promise<number> {
  const dir = join(mkdtempSync(join(tmpdir(), "codetether-bench-")), "writer-1");
  try {
    const trail = await openAuditTrail(dir, key, { fsync });
    const started = performance.now();
    if (queued) await Promise.all(Array.from({ length: count }, (_, i) => trail.append(input(i))));
    else for (let i = 0; i < count; i++) await trail.append(input(i));
    await trail.close();
    return ((performance.now() - started) * 1000) / count;
  } finally {
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
}

function timeEach(count: number, work: (i: number) => unknown): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) work(i);
  return ((performance.now() - started) * 1000) / count;
}

const runs = async (measure: () => Promise<number>) => {
  const values: number[] = [];
  for (let r = 0; r < RUNS; r++) values.push(await measure());
  return median(values);
};
const recorderPolicy: FsyncPolicy = { batchMs: 10, maxBatch: 512 };
console.log("µs per audit record (median of %d runs)", RUNS);
console.log(
  "  10,000 queued, group commit (the recorder's policy)  %s",
  (await runs(() => appendCost(recorderPolicy, 10_000, true))).toFixed(1),
);
console.log(
  "  1,000 awaited one by one, fsync each (a head each)    %s",
  (await runs(() => appendCost("always", 1_000, false))).toFixed(1),
);
const line = JSON.stringify(input(1));
console.log(
  "  HMAC-SHA256 of one record                            %s",
  timeEach(100_000, () => key.mac(line)).toFixed(2),
);
console.log(
  "  Ed25519 signature of one head                        %s",
  timeEach(10_000, (i) => key.sign(`${line}${i}`)).toFixed(2),
);
