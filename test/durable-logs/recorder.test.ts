import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { auditDir } from "../../src/audit/paths.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { listSegments } from "../../src/events/log/index.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { tempDir } from "../events/temp-dir.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

test("the recorder's writers close segments by [logs] segment_max_bytes and segment_max_age", async () => {
  const dataDir = tempDir("codetether-recorder-");
  const recorder = await SessionRecorder.open(
    dataDir,
    { segment_max_bytes: 300, segment_max_age: "1s" },
    { key: TEST_AUDIT_KEY },
  );
  for (let i = 0; i < 5; i++) recorder.recordEvent({ type: "step", session_id: "s1", data: { i } });
  recorder.recordAudit({ actor: "agent", action: "session.start", resource: "session/s1", status: "started" });
  await recorder.flush();
  const events = join(eventsDir(dataDir), "writer-1");
  const audit = join(auditDir(dataDir), "writer-1");
  const bySize = listSegments(events).length;
  assert.ok(bySize > 1);
  assert.deepEqual(listSegments(audit), [1]);
  // Idle for a second: both live segments are closed, so an archive push would take them.
  const sealed = () => listSegments(audit).length === 2 && listSegments(events).length === bySize + 1;
  for (const deadline = Date.now() + 10_000; !sealed() && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(listSegments(audit), [1, 2]);
  assert.equal(listSegments(events).length, bySize + 1);
  await recorder.close();
});
