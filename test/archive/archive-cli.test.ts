import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import S3rver from "s3rver";
import { openAuditTrail } from "../../src/audit/index.ts";
import { listSegments, segmentPath } from "../../src/events/log/index.ts";
import { auditDir, eventsDir } from "../../src/events/paths.ts";
import { openEventStream } from "../../src/events/stream.ts";
import { makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { tempDir } from "../events/temp-dir.ts";

const serverDir = tempDir("codetether-s3rver-"); // at top level: tempDir's cleanup hook must belong to the file
let server: S3rver;
let sandbox: Sandbox;
const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

before(async () => {
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: serverDir, configureBuckets: [{ name: "logs", configs: [] }] });
  const { port } = await server.run();
  sandbox = makeSandbox();
  sandbox.writeConfig(`[archive]\nendpoint = "http://127.0.0.1:${port}"\nbucket = "logs"\nprefix = "team/"\nforce_path_style = true\n`);
  // Small segments, so that the logs have closed segments to archive.
  const trail = await openAuditTrail(join(auditDir(sandbox.dataDir), "writer-1"), { segmentBytes: 600 });
  for (let i = 0; i < 12; i++) await trail.append({ actor: "agent", action: "tool.execute", resource: "tool/bash", status: "success", details: { i } });
  await trail.close();
  const events = await openEventStream(join(eventsDir(sandbox.dataDir), "writer-1"), { segmentBytes: 300 });
  for (let i = 0; i < 10; i++) await events.append({ type: "step", session_id: "s1", data: { i } });
  await events.close();
});
after(async () => {
  await server.close();
  sandbox.cleanup();
});

test("archive push uploads the closed segments of every log, idempotently; list shows them", async () => {
  const push = await runCli(sandbox, ["archive", "push", "--json"], { env });
  assert.equal(push.code, 0, push.stderr);
  const results = push.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const auditSegments = listSegments(join(auditDir(sandbox.dataDir), "writer-1"));
  assert.deepEqual(results.map((r) => [r.log, r.uploaded.length]), [["events/writer-1", listSegments(join(eventsDir(sandbox.dataDir), "writer-1")).length - 1], ["audit/writer-1", auditSegments.length - 1]]);
  assert.match(results[1].uploaded[0].key, /^team\/audit\/writer-1\/segments\/[0-9a-f]{64}\.jsonl$/);

  const again = await runCli(sandbox, ["archive", "push"], { env });
  assert.match(again.stdout, /^audit\/writer-1: 0 uploaded, \d+ already archived$/m);
  const list = await runCli(sandbox, ["archive", "list", "--json"], { env });
  const listed = JSON.parse(list.stdout) as Array<{ log: string; file: string }>;
  assert.equal(listed.filter((e) => e.log === "audit/writer-1").length, auditSegments.length - 1);
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

test("archive errors are one line: bad log name, unknown segment, no credentials, no [archive] section", async () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [["archive", "fetch", "nope", "1"], env, /^codetether: unknown log 'nope': expected events\/writer-N or audit\/writer-N/],
    [["archive", "fetch", "audit/writer-1", "99", "-o", join(sandbox.root, "x.jsonl")], env, /^codetether: segment 00000099\.jsonl is not in the archive$/],
    [["archive", "list"], {}, /^codetether: no archive credentials: store access_key_id and secret_access_key in Vault secret archive, or set AWS_ACCESS_KEY_ID/],
  ];
  for (const [args, extra, message] of cases) {
    const r = await runCli(sandbox, args, { env: extra });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr.trim(), message);
  }
  const bare = makeSandbox();
  try {
    const r = await runCli(bare, ["archive", "push"], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^codetether: no \[archive\] section in config\.toml/);
    bare.writeConfig('[archive]\nbucket = ""\n');
    const invalid = await runCli(bare, ["archive", "push"], { env });
    assert.match(invalid.stderr, /^codetether: invalid \[archive\] bucket: /);
  } finally {
    bare.cleanup();
  }
});
