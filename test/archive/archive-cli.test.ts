import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openAuditTrail, resolveAuditKey } from "../../src/audit/index.ts";
import { listSegments, segmentPath } from "../../src/events/log/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { openEventStream } from "../../src/events/stream.ts";
import { fakeProviderToml, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { startFakeModel } from "../support/fake-model.ts";
import { useS3rver } from "../support/s3rver.ts";

const s3 = useS3rver("logs");
let sandbox: Sandbox;
const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

before(async () => {
  await s3.ready;
  sandbox = makeSandbox();
  sandbox.writeConfig(
    `[archive]\nendpoint = "${s3.endpoint}"\nbucket = "logs"\nprefix = "team/"\nforce_path_style = true\n`,
  );
  // Small segments, so that the logs have closed segments to archive.
  const trail = await openAuditTrail(join(auditDir(sandbox.dataDir), "writer-1"), await resolveAuditKey(sandbox.env), {
    segmentBytes: 600,
  });
  for (let i = 0; i < 12; i++)
    await trail.append({
      actor: "agent",
      action: "tool.execute",
      resource: "tool/bash",
      status: "success",
      details: { i },
    });
  await trail.close();
  const events = await openEventStream(join(eventsDir(sandbox.dataDir), "writer-1"), { segmentBytes: 300 });
  for (let i = 0; i < 10; i++) await events.append({ type: "step", session_id: "s1", data: { i } });
  await events.close();
});
after(() => sandbox.cleanup());

test("archive push seals and uploads the segments of every log, idempotently; list shows them", async () => {
  const eventSegments = listSegments(join(eventsDir(sandbox.dataDir), "writer-1"));
  const auditSegments = listSegments(join(auditDir(sandbox.dataDir), "writer-1"));
  const push = await runCli(sandbox, ["archive", "push", "--json"], { env });
  assert.equal(push.code, 0, push.stderr);
  const results = jsonLines(push.stdout);
  // The live segments were sealed, so they are uploaded too.
  assert.deepEqual(
    results.map((r) => [r.log, r.live_segment, r.uploaded.map((entry: { segment: number }) => entry.segment)]),
    [
      ["events/writer-1", "sealed", eventSegments],
      ["audit/writer-1", "sealed", auditSegments],
    ],
  );
  assert.match(results[1].uploaded[0].key, /^team\/audit\/writer-1\/segments\/[0-9a-f]{64}\.jsonl$/);

  const again = await runCli(sandbox, ["archive", "push"], { env });
  assert.match(again.stdout, /^audit\/writer-1: 0 uploaded, \d+ already archived$/m);
  assert.equal(again.stderr, "");
  const list = await runCli(sandbox, ["archive", "list", "--json"], { env });
  const listed = JSON.parse(list.stdout) as Array<{ log: string; file: string }>;
  assert.equal(listed.filter((e) => e.log === "audit/writer-1").length, auditSegments.length);
  assert.equal(listed[0]?.file, "00000001.jsonl");
});

test("archive fetch restores a deleted segment byte for byte, after which audit verify passes", async () => {
  const path = segmentPath(join(auditDir(sandbox.dataDir), "writer-1"), 1);
  const original = readFileSync(path);
  const present = await runCli(sandbox, ["archive", "fetch", "audit/writer-1", "1"], { env });
  assert.equal(present.code, 1);
  assert.match(present.stderr, /present locally already/);
  rmSync(path);
  const fetched = await runCli(sandbox, ["archive", "fetch", "audit/writer-1", "1", "--json"], { env });
  assert.equal(fetched.code, 0, fetched.stderr);
  assert.equal(JSON.parse(fetched.stdout).path, path);
  assert.deepEqual(readFileSync(path), original);
  const verify = await runCli(sandbox, ["audit", "verify"]);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /writer-1: 12 records/);
});

test("archive push leaves the live segment of a log another process writes open, and says so", async () => {
  const trail = await openAuditTrail(join(auditDir(sandbox.dataDir), "writer-2"), await resolveAuditKey(sandbox.env));
  try {
    await trail.append({ actor: "agent", action: "session.start", resource: "session/x", status: "started" });
    const push = await runCli(sandbox, ["archive", "push", "--json"], { env });
    assert.equal(push.code, 0, push.stderr);
    assert.equal(
      push.stderr,
      `codetether: audit/writer-2: live segment left open, process ${process.pid} is writing it (it closes the segment at [logs] segment_max_bytes or segment_max_age)\n`,
    );
    const result = jsonLines(push.stdout).find((r) => r.log === "audit/writer-2");
    assert.deepEqual([result?.live_segment, result?.uploaded], ["in-use", []]);
  } finally {
    await trail.close();
  }
  // Not held any more: the next push seals and sends it.
  const push = await runCli(sandbox, ["archive", "push", "--json"], { env });
  const result = jsonLines(push.stdout).find((r) => r.log === "audit/writer-2");
  assert.deepEqual([result?.live_segment, result?.uploaded.length], ["sealed", 1]);
});

test("archive push right after a short run sends the run's records; verify passes across the sealed segments", async () => {
  const fake = await startFakeModel();
  const run = makeSandbox();
  try {
    run.writeConfig(
      `${fakeProviderToml(fake.url)}[logs]\nsegment_max_bytes = 1000\n[archive]\nendpoint = "${s3.endpoint}"\nbucket = "logs"\nprefix = "short-run"\nforce_path_style = true\n`,
    );
    fake.push("Hello.");
    const first = await runCli(run, ["run", "-m", "fake/fake-model", "hi"]);
    assert.equal(first.code, 0, first.stderr);
    const eventsLog = join(eventsDir(run.dataDir), "writer-1");
    const auditLog = join(auditDir(run.dataDir), "writer-1");
    const eventSegments = listSegments(eventsLog);
    assert.ok(eventSegments.length > 1, "[logs] segment_max_bytes reaches the writer");
    assert.deepEqual(listSegments(auditLog), [1]);

    const push = await runCli(run, ["archive", "push", "--json"], { env });
    assert.equal(push.code, 0, push.stderr);
    const results = jsonLines(push.stdout);
    assert.deepEqual(
      results.map((r) => [r.log, r.uploaded.map((entry: { segment: number }) => entry.segment)]),
      [
        ["events/writer-1", eventSegments],
        ["audit/writer-1", [1]],
      ],
    );
    const copy = join(run.root, "audit-1.jsonl");
    const fetched = await runCli(run, ["archive", "fetch", "audit/writer-1", "1", "-o", copy], { env });
    assert.equal(fetched.code, 0, fetched.stderr);
    const archived = readFileSync(copy, "utf8");
    assert.deepEqual(archived, readFileSync(segmentPath(auditLog, 1), "utf8"));
    assert.match(archived, /"action":"session.start"/);
    assert.match(archived, /"action":"session.end"/);
    // -o naming a folder puts the segment in it under its own name.
    const intoDir = await runCli(run, ["archive", "fetch", "audit/writer-1", "1", "-o", run.root], { env });
    assert.equal(intoDir.code, 0, intoDir.stderr);
    assert.equal(readFileSync(join(run.root, "00000001.jsonl"), "utf8"), archived);

    fake.push("Again.");
    const second = await runCli(run, ["run", "-m", "fake/fake-model", "again"]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(listSegments(auditLog), [1, 2]);
    const verify = await runCli(run, ["audit", "verify"]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /writer-1: 4 records/);

    // The writer's signed heads are archived beside its segments: they show records cut off the local log.
    const heads = join(run.root, "archived-heads.jsonl");
    const noOut = await runCli(run, ["archive", "fetch", "audit/writer-1", "heads"], { env });
    assert.match(noOut.stderr, /^codetether: archive fetch LOG heads needs -o FILE/);
    assert.equal((await runCli(run, ["archive", "push"], { env })).code, 0);
    const fetchedHeads = await runCli(run, ["archive", "fetch", "audit/writer-1", "heads", "-o", heads], { env });
    assert.equal(fetchedHeads.code, 0, fetchedHeads.stderr);
    assert.equal((await runCli(run, ["audit", "verify", "--head", heads])).code, 0);
    assert.match(readFileSync(heads, "utf8"), /"writer":"writer-1","seq":4,/);
    for (const segment of listSegments(auditLog).slice(1)) rmSync(segmentPath(auditLog, segment));
    const cut = await runCli(run, ["audit", "verify", "--head", heads]);
    assert.equal(cut.code, 1);
    assert.match(cut.stderr, /writer-1 truncated: the log ends at seq 2 but the head signed at .* names seq 4/);
  } finally {
    await fake.close();
    run.cleanup();
  }
});

test("archive errors are one line: bad log name, unknown segment, no credentials, no [archive] section", async () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      ["archive", "fetch", "nope", "1"],
      env,
      /^codetether: unknown log 'nope': expected events\/writer-N or audit\/writer-N/,
    ],
    [
      ["archive", "fetch", "audit/writer-1", "99", "-o", join(sandbox.root, "x.jsonl")],
      env,
      /^codetether: segment 00000099\.jsonl is not in the archive$/,
    ],
    [
      ["archive", "list"],
      {},
      /^codetether: no archive credentials: store access_key_id and secret_access_key in Vault secret archive, or set AWS_ACCESS_KEY_ID/,
    ],
  ];
  for (const [args, extra, message] of cases) {
    const r = await runCli(sandbox, args, { env: extra });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr.trim(), message);
  }
  // A failed fetch into a writer that is not here leaves no writer behind (verify would count it).
  const unknown = await runCli(sandbox, ["archive", "fetch", "audit/writer-7", "1"], { env });
  assert.equal(unknown.code, 1);
  assert.equal(existsSync(join(sandbox.dataDir, "audit", "writer-7")), false);
  const bare = makeSandbox();
  try {
    const r = await runCli(bare, ["archive", "push"], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^codetether: no \[archive\] section in config\.toml/);
    bare.writeConfig('[archive]\nbucket = ""\n');
    const invalid = await runCli(bare, ["archive", "push"], { env });
    assert.match(invalid.stderr, /^codetether: invalid \[archive\] bucket: /);
    // A bucket that does not exist is the configuration's error, not an empty archive.
    const wrongBucket = join(bare.root, "wrong-bucket.toml");
    writeFileSync(
      wrongBucket,
      `[archive]\nendpoint = "${s3.endpoint}"\nbucket = "no-such-bucket"\nforce_path_style = true\n`,
    );
    const missing = await runCli(sandbox, ["--config", wrongBucket, "archive", "list"], { env });
    assert.equal(missing.code, 1, missing.stdout);
    assert.match(missing.stderr, /^codetether: .*bucket does not exist/i);
  } finally {
    bare.cleanup();
  }
});
