// Child process of crash.test.ts: appends audit records as fast as it can, keeping many in flight, and
// prints "seq segment offset length" for each one once it is acknowledged. Runs until killed.
import { openAuditTrail } from "../../src/audit/index.ts";
import type { FsyncPolicy } from "../../src/events/log/index.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

const [dir, mode] = process.argv.slice(2) as [string, "always" | "batched"];
const fsync: FsyncPolicy = mode === "always" ? "always" : { batchMs: 2, maxBatch: 256 };
const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { fsync, segmentBytes: 16 * 1024 });
const IN_FLIGHT = 64;

async function appendForever(): Promise<never> {
  for (;;) {
    const { record, segment, offset, length } = await trail.append({
      actor: `writer-${process.pid}`,
      action: "crash.test",
      resource: "log",
      status: "success",
      details: { padding: "x".repeat(Math.floor(Math.random() * 200)) },
    });
    process.stdout.write(`${record.seq} ${segment} ${offset} ${length}\n`);
  }
}

await Promise.all(Array.from({ length: IN_FLIGHT }, appendForever));
