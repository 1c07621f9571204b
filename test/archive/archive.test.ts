import assert from "node:assert/strict";
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createArchiver, type ArchiveConfig } from "../../src/archive/index.ts";
import { listSegments, openLog, segmentPath } from "../../src/events/log/index.ts";
import { tempDir } from "../events/temp-dir.ts";
import { useS3rver } from "../support/s3rver.ts";

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const s3 = useS3rver("archive");

const configFor = (prefix: string): ArchiveConfig => ({
  endpoint: s3.endpoint,
  bucket: "archive",
  prefix,
  region: "us-east-1",
  forcePathStyle: true,
});

async function writeLog(records: number, dir = tempDir()): Promise<string> {
  const log = await openLog(dir, { segmentBytes: 200, fsync: { batchMs: 1, maxBatch: 1000 } });
  await Promise.all(Array.from({ length: records }, (_, i) => log.append({ i, text: "archived record" })));
  await log.close();
  return dir;
}

test("push uploads closed segments under content-hash keys and lists them in the manifest", async () => {
  const dir = await writeLog(20);
  const segments = listSegments(dir);
  const archiver = createArchiver(configFor("logs/a"), credentials);
  const pushed = await archiver.push(dir);
  assert.deepEqual(
    pushed.uploaded.map((entry) => entry.segment),
    segments.slice(0, -1),
  );
  assert.deepEqual(pushed.skipped, []);
  const listed = await archiver.list();
  assert.deepEqual(listed, pushed.uploaded);
  for (const entry of listed) assert.equal(entry.key, `logs/a/segments/${entry.sha256}.jsonl`);
  assert.equal(listed[0]?.file, "00000001.jsonl");
});

test("push is idempotent, and only sends segments closed since the last push", async () => {
  const dir = await writeLog(20);
  const archiver = createArchiver(configFor("logs/b/"), credentials);
  const first = await archiver.push(dir);
  const again = await archiver.push(dir);
  assert.deepEqual(again.uploaded, []);
  assert.deepEqual(again.skipped, first.uploaded);
  await writeLog(10, dir);
  const third = await archiver.push(dir);
  assert.deepEqual(
    third.uploaded.map((entry) => entry.segment),
    listSegments(dir).slice(first.uploaded.length, -1),
  );
  assert.equal((await archiver.list()).length, listSegments(dir).length - 1);
});

test("an object already stored under its hash is not uploaded again (manifest lost after upload)", async () => {
  const dir = await writeLog(12);
  await createArchiver(configFor("logs/c"), credentials).push(dir);
  const sameContent = createArchiver(configFor("logs/c"), credentials);
  const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  await client.send(
    new PutObjectCommand({
      Bucket: "archive",
      Key: "logs/c/manifest.json",
      Body: JSON.stringify({ version: 1, segments: [] }),
    }),
  );
  const pushed = await sameContent.push(dir);
  assert.deepEqual(pushed.uploaded, []);
  assert.equal(pushed.skipped.length, listSegments(dir).length - 1);
  assert.equal((await sameContent.list()).length, pushed.skipped.length);
});

test("fetch by segment or key restores the exact bytes; a corrupt object is refused", async () => {
  const dir = await writeLog(20);
  const archiver = createArchiver(configFor("logs/d"), credentials);
  const [first, second] = (await archiver.push(dir)).uploaded;
  const restored = join(tempDir(), "restored.jsonl");
  const bySegment = await archiver.fetch(1, restored);
  assert.deepEqual(readFileSync(restored), readFileSync(segmentPath(dir, 1)));
  assert.equal(bySegment.sha256, first!.sha256);
  const byKey = await archiver.fetch(second!.key, restored);
  assert.deepEqual(readFileSync(restored), readFileSync(segmentPath(dir, 2)));
  assert.equal(byKey.bytes, second!.bytes);
  await assert.rejects(archiver.fetch(999, restored), /not in the archive/);

  const client = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  await client.send(new PutObjectCommand({ Bucket: "archive", Key: first!.key, Body: "tampered\n" }));
  rmSync(restored);
  await assert.rejects(archiver.fetch(1, restored), /corrupt/);
  assert.throws(() => readFileSync(restored), /ENOENT/);
});

test("a closed segment that changed after archiving is refused, not re-archived", async () => {
  const dir = await writeLog(12);
  const archiver = createArchiver(configFor("logs/e"), credentials);
  await archiver.push(dir);
  appendFileSync(segmentPath(dir, 1), '{"i":"forged"}\n');
  await assert.rejects(archiver.push(dir), /changed after it was archived/);
});

test("an unreachable endpoint is reported after the retries", async () => {
  const archiver = createArchiver({ ...configFor("x"), endpoint: "http://127.0.0.1:1" }, credentials, {
    retry: { attempts: 3, baseMs: 20 },
  });
  await assert.rejects(archiver.list(), /ECONNREFUSED/);
});
