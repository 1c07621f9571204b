// Durable-log figures: appends/s with an fsync per record and with group commit, and the time to read
// the last record by offset as the stream grows. Prints medians; never asserts on time.
//   node --import tsx bench/log.ts            (sizes up to 128 MB)
//   BENCH_LOG_1GB=1 node --import tsx bench/log.ts   (adds the 1 GB case)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLog, type FsyncPolicy, type LogLocation } from "../src/events/log/index.ts";
import { median } from "../src/cli/bench/measure.ts";

const RUNS = 5;
const MB = 1024 * 1024;
const record = (i: number) => ({
  i,
  type: "tool.completed",
  session_id: "bench-session",
  data: { text: "x".repeat(120) },
});

function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "codetether-bench-"));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Appends `count` records from `writers` concurrent appenders; returns records per second. */
function appendRate(fsync: FsyncPolicy, count: number, writers: number): Promise<number> {
  return withTempDir(async (dir) => {
    const log = await openLog(dir, { fsync });
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < count) await log.append(record(next++));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await log.close();
    return count / seconds;
  });
}

async function benchAppends(): Promise<void> {
  console.log("appends/s (median of %d runs)", RUNS);
  const cases: [string, FsyncPolicy, number, number][] = [
    ["fsync per record, 1 writer", "always", 300, 1],
    ["fsync per record, 64 writers", "always", 300, 64],
    ["group commit 2 ms / 512, 1 writer", { batchMs: 2, maxBatch: 512 }, 300, 1],
    ["group commit 2 ms / 512, 256 writers", { batchMs: 2, maxBatch: 512 }, 30_000, 256],
    ["group commit 5 ms / 4096, 2048 writers", { batchMs: 5, maxBatch: 4096 }, 100_000, 2048],
  ];
  for (const [label, fsync, count, writers] of cases) {
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) rates.push(await appendRate(fsync, count, writers));
    console.log(`  ${label.padEnd(40)} ${Math.round(median(rates)).toLocaleString("en").padStart(10)} /s`);
  }
}

async function benchReadLast(): Promise<void> {
  const sizes = [1 * MB, 16 * MB, 128 * MB, ...(process.env.BENCH_LOG_1GB ? [1024 * MB] : [])];
  console.log("read the last record by offset, one segment growing (median of %d runs of 1000 reads)", RUNS);
  await withTempDir(async (dir) => {
    const log = await openLog(dir, { fsync: { batchMs: 1, maxBatch: 20_000 }, segmentBytes: 4096 * MB });
    let written = 0;
    let last: LogLocation | undefined;
    for (const size of sizes) {
      while (written < size) {
        const count = Math.min(20_000, Math.ceil((size - written) / 200));
        const batch = await Promise.all(Array.from({ length: count }, (_, k) => log.append(record(k))));
        last = batch[batch.length - 1]!;
        written = last.offset + last.length;
      }
      const at = last!;
      const timings = async (read: () => Promise<unknown>) => {
        const perRead: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const started = performance.now();
          for (let k = 0; k < 1000; k++) await read();
          perRead.push(((performance.now() - started) / 1000) * 1000);
        }
        return median(perRead).toFixed(1).padStart(7);
      };
      const withLength = await timings(() => log.read(at));
      const offsetOnly = await timings(() => log.read({ segment: at.segment, offset: at.offset }));
      const newest = await timings(() => log.last());
      console.log(
        `  ${`${(written / MB).toFixed(0)} MB`.padStart(8)}: read({segment, offset, length}) ${withLength} µs` +
          `   read({segment, offset}) ${offsetOnly} µs   last() ${newest} µs`,
      );
    }
    await log.close();
  });
}

await benchAppends();
await benchReadLast();
