import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { auditDir } from "../../src/audit/paths.ts";
import { verifyAudit } from "../../src/audit/verify-audit.ts";
import { mountDurableLogs } from "../../src/durable-logs/mount-durable-logs.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { listSegments, segmentPath } from "../../src/events/log/index.ts";
import { createServerApp } from "../../src/server/app.ts";
import { tempDir } from "../events/temp-dir.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

const TOKEN = "test-token-0123456789abcdef";
const REPLICA = "0b6f3c1e-5d2a-4e8f-9a47-2c1d3e4f5a6b";
const OTHER = "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";

/** Writes one session's event and audit record through a recorder of `dataDir`, then closes it. */
async function record(dataDir: string, step: number, replicaId?: string): Promise<void> {
  const recorder = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY, replicaId });
  recorder.recordEvent({ type: "step", session_id: "s1", data: { step } });
  recorder.recordAudit({
    actor: "agent",
    action: "tool.bash",
    resource: "session/s1",
    status: "success",
    session_id: "s1",
  });
  await recorder.close();
}

test("a replica's events and audit records carry its id, /v1/events and /v1/audit/query return it and filter by it, and the chain (older records without it included) verifies", async () => {
  const dataDir = tempDir("codetether-replica-id-");
  await record(dataDir, 1); // written as before replica ids (and as the SQLite mode still does)
  await record(dataDir, 2, REPLICA); // the same writer slot, resumed by a replica
  await record(dataDir, 3, OTHER); // …and then by another

  const verified = await verifyAudit(dataDir, TEST_AUDIT_KEY);
  assert.deepEqual(
    verified.map((result) => [result.stream, result.ok]),
    [["writer-1", true]],
  );

  const app = createServerApp({ token: TOKEN, version: "test" });
  const reader = await SessionRecorder.open(dataDir, undefined, { key: TEST_AUDIT_KEY });
  mountDurableLogs(app, reader, dataDir);
  const server = createServer(app.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  try {
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const events = await (await fetch(`${base}/v1/events?session=s1`, { headers })).text();
    assert.deepEqual(
      events
        .split("\n")
        .slice(0, -1)
        .map((line) => JSON.parse(line) as { data: { step: number }; replica_id?: string })
        .map((event) => [event.data.step, event.replica_id]),
      [
        [1, undefined],
        [2, REPLICA],
        [3, OTHER],
      ],
    );
    const query = await fetch(`${base}/v1/audit/query`, {
      method: "POST",
      headers,
      body: JSON.stringify({ session_id: "s1" }),
    });
    const audit = (await query.json()) as { events: { seq: number; replica_id?: string }[] };
    assert.deepEqual(
      audit.events.map((r) => [r.seq, r.replica_id]),
      [
        [1, undefined],
        [2, REPLICA],
        [3, OTHER],
      ],
    );
    const byReplica = async (filter: unknown) => {
      const res = await fetch(`${base}/v1/audit/query`, { method: "POST", headers, body: JSON.stringify(filter) });
      return {
        status: res.status,
        body: (await res.json()) as { events?: { seq: number }[]; error?: { message: string } },
      };
    };
    for (const [replica, seqs] of [
      [REPLICA, [2]],
      [OTHER, [3]],
      ["nope", []],
    ] as const) {
      const { status, body } = await byReplica({ replica_id: replica, session_id: "s1" });
      assert.equal(status, 200);
      assert.deepEqual(
        body.events!.map((r) => r.seq),
        seqs,
      );
    }
    const bad = await byReplica({ replica_id: 7 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error!.message, "replica_id: Invalid input: expected string, received number");
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await reader.close();
  }
});

test("the replica id is sealed: changing it in a stored audit record fails verification at that record", async () => {
  const dataDir = tempDir("codetether-replica-id-");
  await record(dataDir, 1, REPLICA);
  await record(dataDir, 2, REPLICA);
  const dir = join(auditDir(dataDir), "writer-1");
  const segment = listSegments(dir)[0]!;
  const stored = readFileSync(segmentPath(dir, segment), "utf8");
  assert.equal(stored.split(REPLICA).length - 1, 2);
  writeFileSync(segmentPath(dir, segment), stored.replace(REPLICA, REPLICA.replace("0b6f", "ffff")));

  const [result] = await verifyAudit(dataDir, TEST_AUDIT_KEY);
  assert.ok(result && !result.ok);
  assert.deepEqual([result.problem, result.seq], ["edited", 1]);
});
