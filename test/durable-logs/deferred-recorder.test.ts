import assert from "node:assert/strict";
import { test } from "node:test";
import { DeferredRecorder } from "../../src/durable-logs/deferred-recorder.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { tempDir } from "../events/temp-dir.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

/** A deferred recorder over fresh logs in a temp data dir; `opened()` is the recorder once it opened them. */
function deferredOverFreshLogs(latestMs: number) {
  const dataDir = tempDir("codetether-deferred-");
  let opened: SessionRecorder | undefined;
  const deferred = new DeferredRecorder(
    async () => (opened = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY })),
    latestMs,
  );
  return { deferred, opened: () => opened };
}

test("records made before the logs open keep their order and time, and flush makes them durable", async () => {
  const { deferred, opened } = deferredOverFreshLogs(60_000);
  const before = new Date().toISOString();
  for (let i = 0; i < 3; i++) deferred.recordEvent({ type: "step", session_id: "s1", data: { i } });
  deferred.recordAudit({
    session_id: "s1",
    actor: "agent",
    action: "session.start",
    resource: "session/s1",
    status: "started",
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(opened(), undefined, "nothing opens the logs before start() or flush()");

  deferred.start();
  deferred.recordEvent({ type: "step", session_id: "s1", data: { i: 3 } });
  await deferred.flush();
  const { entries: records } = await opened()!.events.session("s1");
  assert.deepEqual(
    records.map((r) => r.record.data),
    [0, 1, 2, 3].map((i) => ({ i })),
  );
  // Stamped when recorded, not when the logs opened 20 ms later.
  assert.ok(records[0]!.record.ts >= before && records[0]!.record.ts < records[3]!.record.ts);
  assert.equal((await opened()!.audit.query({ session_id: "s1" })).entries.length, 1);
  await deferred.close();
});

test("flush opens logs nobody started; when they cannot be opened the records are dropped", async () => {
  const { deferred, opened } = deferredOverFreshLogs(60_000);
  deferred.recordEvent({ type: "finish", session_id: "s2" });
  await deferred.flush();
  assert.equal((await opened()!.events.session("s2")).entries.length, 1);
  await deferred.close();

  const unavailable = new DeferredRecorder(async () => undefined, 60_000);
  unavailable.recordEvent({ type: "finish", session_id: "s3" });
  await unavailable.flush();
  await unavailable.close();
});

test("logs nobody starts open by themselves once latestMs is over, and take the records made until then", async () => {
  const { deferred, opened } = deferredOverFreshLogs(50);
  deferred.recordEvent({ type: "step", session_id: "s4" });
  for (let waited = 0; !opened() && waited < 2000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  const logs = opened();
  assert.ok(logs, "the logs opened without start() or flush()");
  await logs.flush();
  assert.equal((await logs.events.session("s4")).entries.length, 1);
  await deferred.close();
});
