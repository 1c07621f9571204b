import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openAuditTrail, resolveAuditKey } from "../../src/audit/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { openEventStream } from "../../src/events/stream.ts";
import { segmentPath } from "../../src/events/log/index.ts";
import { transcript } from "../../src/session/context.ts";
import { SessionStore } from "../../src/session/store.ts";
import { startFakeModel, type FakeModel } from "../support/fake-model.ts";
import { CLI, fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";

// One recorded multi-tool session shared by the tests of this file (a run costs a CLI start).
let fake: FakeModel;
let sandbox: Sandbox;
let sessionId: string;

before(async () => {
  fake = await startFakeModel();
  sandbox = makeSandbox();
  sandbox.writeConfig(fakeProviderToml(fake.url));
  writeFileSync(join(sandbox.workspace, "a.txt"), "alpha");
  fake.push(
    [{ text: "Reading." }, { tool: "read_file", input: { path: "a.txt" } }, { tool: "list_dir", input: {} }],
    [{ tool: "write_file", input: { path: "b.txt", content: "beta" } }],
    "Done: wrote b.txt.",
  );
  const run = await runCli(sandbox, ["run", "--json", "-m", "fake/fake-model", "read a.txt, then write b.txt"]);
  assert.equal(run.code, 0, run.stderr);
  sessionId = jsonLines(run.stdout)[0]!.sessionId;
});
after(async () => {
  await fake.close();
  sandbox.cleanup();
});

test("events replay rebuilds the session store's transcript from the stream alone", async () => {
  const replay = await runCli(sandbox, ["events", "replay", sessionId, "--json"]);
  assert.equal(replay.code, 0, replay.stderr);
  const store = SessionStore.open(sandbox.dataDir);
  const stored = transcript(store.messages(sessionId));
  assert.equal(stored.length, 6); // user, assistant+2 calls, tool results, assistant+call, tool result, answer
  assert.deepEqual(JSON.parse(replay.stdout), stored);

  const text = await runCli(sandbox, ["events", "replay", sessionId]);
  assert.match(text.stdout, /^user: read a\.txt, then write b\.txt$/m);
  assert.match(text.stdout, /\[tool call write_file/);
  const missing = await runCli(sandbox, ["events", "replay", "ses_nope"]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr.trim(),
    "codetether: no recorded events for session ses_nope (see: codetether events tail)",
  );
});

test("events tail shows the session's events with correlation fields, oldest first", async () => {
  const tail = await runCli(sandbox, ["events", "tail", "--session", sessionId, "-n", "1000", "--json"]);
  assert.equal(tail.code, 0, tail.stderr);
  const records = jsonLines(tail.stdout).map((line) => line.record);
  const types = records.map((record) => record.type);
  assert.equal(types[0], "session");
  assert.equal(types.at(-1), "finish");
  for (const type of ["message", "text", "tool-running", "tool-completed", "usage", "step-start"])
    assert.ok(types.includes(type), type);
  assert.ok(!types.includes("text-delta"), "deltas are coalesced");
  for (const record of records)
    assert.deepEqual(
      [record.session_id, record.okr_id, record.okr_run_id, record.relay_id],
      [sessionId, null, null, null],
    );
  const last = await runCli(sandbox, ["events", "tail", "-n", "2"]);
  assert.equal(last.stdout.trim().split("\n").length, 2);
  assert.match(last.stdout, /finish/);
});

test("the audit trail holds the session lifecycle and every tool execution; verify passes, then fails at an edited record", async () => {
  const query = await runCli(sandbox, ["audit", "query", "--session", sessionId, "--json"]);
  assert.equal(query.code, 0, query.stderr);
  const records = JSON.parse(query.stdout).events as Array<Record<string, any>>;
  const described = records.map((r) => `${r.action} ${r.resource} ${r.status}`);
  // The first step's two tool calls run in parallel: their records are in completion order.
  assert.deepEqual(
    [described[0], ...described.slice(1, 3).sort(), ...described.slice(3)],
    [
      `session.start session/${sessionId} started`,
      "tool.execute tool/list_dir success",
      "tool.execute tool/read_file success",
      "tool.execute tool/write_file success",
      `session.end session/${sessionId} stop`,
    ],
  );
  assert.deepEqual(records[3]!.details.args, { path: "b.txt", content: "beta" });
  const tools = await runCli(sandbox, ["audit", "query", "--action", "tool.execute", "--resource", "tool/write_file"]);
  assert.match(tools.stdout, /agent {2}tool\.execute {2}tool\/write_file {2}success/);

  const verified = await runCli(sandbox, ["audit", "verify"]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /ok {2}writer-1: 5 records, last seq 5/);

  // Edit one byte of the second record (a tool execution): verify must name seq 2.
  const path = segmentPath(join(auditDir(sandbox.dataDir), "writer-1"), 1);
  const bytes = readFileSync(path);
  const at = bytes.indexOf("tool/", bytes.indexOf("\n") + 1);
  bytes[at] = "T".charCodeAt(0);
  writeFileSync(path, bytes);
  const broken = await runCli(sandbox, ["audit", "verify"]);
  assert.equal(broken.code, 1);
  assert.match(
    broken.stderr,
    /^codetether: audit trail broken: record 2 edited \(record 2 does not match its HMAC \(edited, or sealed without the key\)\) in writer-1\/00000001\.jsonl at byte \d+; 1 records before it verified\n$/,
  );
  const trail = await openAuditTrail(join(auditDir(sandbox.dataDir), "writer-1"), await resolveAuditKey(sandbox.env));
  const result = await trail.verify();
  await trail.close();
  assert.ok(!result.ok && result.seq === 2);
});

test("piped into a reader that stops early (| head -1), the CLI ends quietly with 0, not an EPIPE stack", async () => {
  // More output than a pipe holds, so the CLI is still writing when head has gone.
  const stream = await openEventStream(join(eventsDir(sandbox.dataDir), "writer-9"));
  await Promise.all(
    Array.from({ length: 3000 }, (_, i) => stream.append({ type: "bulk", data: { i, pad: "x".repeat(200) } })),
  );
  await stream.close();
  const r = spawnSync(
    "bash",
    ["-c", `"${process.execPath}" "${CLI}" events tail -n 3000 --json | head -1; echo "status \${PIPESTATUS[0]}" >&2`],
    { env: sandbox.env, encoding: "utf8" },
  );
  assert.equal(jsonLines(r.stdout).length, 1);
  assert.equal(r.stderr.trim(), "status 0");
});
