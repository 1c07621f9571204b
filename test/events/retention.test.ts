// `[logs] retention_days` and `max_bytes`: the writers remove their oldest closed segments (never the
// live one; with [archive], only archived ones), `audit verify` still passes on what is kept (and still
// fails on a segment deleted by hand), and `events tail` / `GET /v1/events` read what is left.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { resolveAuditKey } from "../../src/audit/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { registryPath } from "../../src/audit/writers-registry.ts";
import type { LogsConfig } from "../../src/config/schema.ts";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { createEventsRouter } from "../../src/events/http-router.ts";
import { isLocked, listSegments, segmentPath } from "../../src/events/log/index.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { createServerApp } from "../../src/server/app.ts";
import { CLI, jsonLines, makeSandbox, runCli, type Sandbox } from "../support/cli.ts";
import { useS3rver } from "../support/s3rver.ts";

const DAY_MS = 86_400_000;
const PAD = "x".repeat(60);

const eventLog = (sandbox: Sandbox) => join(eventsDir(sandbox.dataDir), "writer-1");
const auditLog = (sandbox: Sandbox) => join(auditDir(sandbox.dataDir), "writer-1");
const bytesOf = (dir: string) => listSegments(dir).reduce((sum, s) => sum + statSync(segmentPath(dir, s)).size, 0);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Opens the recorder with `logs` (small segments), writes `count` events and audit records, closes it. */
async function write(
  sandbox: Sandbox,
  count: number,
  logs: Partial<LogsConfig> = {},
  options: { archive?: boolean; warnings?: string[] } = {},
): Promise<void> {
  const recorder = await SessionRecorder.open(
    sandbox.dataDir,
    { segment_max_bytes: 400, segment_max_age: "30d", ...logs },
    {
      key: await resolveAuditKey(sandbox.env),
      archive: options.archive,
      onError: (message) => options.warnings?.push(message),
    },
  );
  for (let i = 0; i < count; i++) {
    recorder.recordEvent({ type: "step", session_id: "s1", data: { i, pad: PAD } });
    recorder.recordAudit({ actor: "agent", action: "tool.execute", resource: "tool/bash", status: "success" });
    if (i % 5 === 4) await recorder.flush();
  }
  await recorder.close();
}

function age(dir: string, segments: number[], days: number): void {
  const then = new Date(Date.now() - days * DAY_MS);
  for (const segment of segments) utimesSync(segmentPath(dir, segment), then, then);
}

async function until(done: () => boolean, failure: () => string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !done(); await new Promise((resolve) => setTimeout(resolve, 25)))
    if (Date.now() > deadline) assert.fail(failure());
}

async function verify(sandbox: Sandbox) {
  return runCli(sandbox, ["audit", "verify"]);
}

test("retention_days: closed segments whose last record is older go, the live one stays; verify passes, a deletion by hand still fails", async () => {
  const sandbox = makeSandbox();
  try {
    await write(sandbox, 30);
    const events = listSegments(eventLog(sandbox));
    const audit = listSegments(auditLog(sandbox));
    assert.ok(events.length >= 4 && audit.length >= 4, `${events} / ${audit}`);
    for (const dir of [eventLog(sandbox), auditLog(sandbox)]) age(dir, [1, 2, listSegments(dir).at(-1)!], 3);

    await write(sandbox, 0, { retention_days: 1 }); // removal on open
    assert.deepEqual(listSegments(eventLog(sandbox)), events.slice(2));
    assert.deepEqual(listSegments(auditLog(sandbox)), audit.slice(2), "the old live segment is kept");

    const verified = await verify(sandbox);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(
      verified.stdout,
      /^ok {2}writer-1: \d+ records, last seq 30 \(records 1-\d+ removed by \[logs\] retention/,
    );
    const tail = await runCli(sandbox, ["events", "tail", "-n", "1000", "--json"]);
    assert.equal(tail.code, 0, tail.stderr);
    const kept = listSegments(eventLog(sandbox))
      .map((segment) => readFileSync(segmentPath(eventLog(sandbox), segment), "utf8").split("\n").length - 1)
      .reduce((sum, lines) => sum + lines, 0);
    assert.deepEqual(
      jsonLines(tail.stdout).map((line) => line.record.data.i),
      range(30 - kept, 29),
    );

    // The signed retention entries cover segments 1 and 2 only.
    const registry = readFileSync(registryPath(auditDir(sandbox.dataDir)), "utf8");
    rmSync(segmentPath(auditLog(sandbox), 3));
    const deleted = await verify(sandbox);
    assert.equal(deleted.code, 1);
    assert.match(deleted.stderr, /writer-1 missing_segment: segment 00000003\.jsonl is missing/);
    // Nor does widening a signed entry by hand help.
    writeFileSync(
      registryPath(auditDir(sandbox.dataDir)),
      registry.replace('"pruned_through":2', '"pruned_through":3'),
    );
    const forged = await verify(sandbox);
    assert.equal(forged.code, 1);
    assert.match(forged.stderr, /bad_head: audit\/writers\.jsonl: head \d+ has a signature that does not verify/);
  } finally {
    sandbox.cleanup();
  }
});

test("max_bytes: while writing, the oldest closed segments go until the log kind fits; never the live one", async () => {
  const sandbox = makeSandbox();
  try {
    await write(sandbox, 60, { max_bytes: 1500 });
    for (const dir of [eventLog(sandbox), auditLog(sandbox)]) {
      const segments = listSegments(dir);
      assert.ok(segments[0]! > 1, `${dir}: ${segments}`);
      assert.deepEqual(segments, range(segments[0]!, segments.at(-1)!));
      // Checked at each roll: the live segment has grown since by at most segment_max_bytes.
      assert.ok(bytesOf(dir) <= 1500 + 400, `${dir}: ${bytesOf(dir)} bytes`);
    }
    const verified = await verify(sandbox);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /last seq 60 \(records 1-\d+ removed/);

    await write(sandbox, 5, { max_bytes: 1 });
    for (const dir of [eventLog(sandbox), auditLog(sandbox)]) assert.equal(listSegments(dir).length, 1);
    const again = await verify(sandbox);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /last seq 65/);
  } finally {
    sandbox.cleanup();
  }
});

test("GET /v1/events after a removal: offsets stay where they were, removed bytes answer 410", async () => {
  const sandbox = makeSandbox();
  const app = createServerApp({ token: "test-token-0123456789abcdef", version: "test" });
  app.mount("/v1/events", createEventsRouter({ dataDir: sandbox.dataDir }));
  const server = createServer(app.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const get = (query: string) =>
    fetch(`http://127.0.0.1:${port}/v1/events?session=s1${query}`, {
      headers: { authorization: "Bearer test-token-0123456789abcdef" },
    });
  try {
    await write(sandbox, 30);
    const before = await (await get("")).text();
    // The read opened the idle slot as its writer and lets it go just after answering: wait, or the
    // recorder below would write a second slot and have nothing of its own to remove.
    await until(
      () => !isLocked(eventLog(sandbox)),
      () => "the read never let go of the slot",
    );
    await write(sandbox, 0, { max_bytes: 2000 });
    const response = await get("");
    const start = Number(response.headers.get("x-stream-start"));
    assert.ok(start > 0);
    assert.equal(response.headers.get("x-stream-length"), String(Buffer.byteLength(before)));
    assert.equal(await response.text(), Buffer.from(before).subarray(start).toString());
    const gone = await get("&offset=0");
    assert.equal(gone.status, 410);
    const body = (await gone.json()) as { error: { message: string } };
    assert.match(body.error.message, /removed by \[logs\] retention; continue from offset \d+/);
    const suffix = await fetch(`http://127.0.0.1:${port}/v1/events?session=s1`, {
      headers: { authorization: "Bearer test-token-0123456789abcdef", range: "bytes=-100000" },
    });
    assert.equal(suffix.status, 206);
    assert.equal(
      suffix.headers.get("content-range"),
      `bytes ${start}-${Buffer.byteLength(before) - 1}/${Buffer.byteLength(before)}`,
    );
  } finally {
    server.closeAllConnections(); // a failed assertion leaves a response unread, which would hold close
    await new Promise<void>((resolve) => server.close(() => resolve()));
    sandbox.cleanup();
  }
});

test("events tail --follow goes on reading while the writer removes the segments behind it", async () => {
  const sandbox = makeSandbox();
  try {
    await write(sandbox, 1);
    const tail = spawn(process.execPath, [CLI, "events", "tail", "--follow", "--json", "-n", "1"], {
      env: sandbox.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    tail.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    tail.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => tail.on("close", resolve));
    await until(
      () => stdout.includes("\n"),
      () => `the tail printed nothing: ${stderr}`,
    ); // following

    const recorder = await SessionRecorder.open(
      sandbox.dataDir,
      { segment_max_bytes: 400, segment_max_age: "30d", max_bytes: 1 },
      { key: await resolveAuditKey(sandbox.env) },
    );
    for (let i = 0; i < 30; i++) {
      recorder.recordEvent({ type: "step", session_id: "s2", data: { i, pad: PAD } });
      if (i % 3 === 2) {
        await recorder.flush();
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    }
    await recorder.close();
    await until(
      () => jsonLines(stdout).at(-1)?.record.data.i === 29,
      () => `the tail stopped at ${stdout.slice(-200)} ${stderr}`,
    );
    tail.kill("SIGINT");
    assert.equal(await exited, 0, stderr);
    assert.equal(stderr, "");
    const seen = jsonLines(stdout)
      .slice(1)
      .map((line) => line.record.data.i as number);
    assert.equal(seen.at(-1), 29);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      "in order, whatever was removed before it was read",
    );
  } finally {
    sandbox.cleanup();
  }
});

const s3 = useS3rver("logs");

test("with [archive]: unarchived segments stay past the limits (said once), archived ones go", async () => {
  const sandbox = makeSandbox();
  try {
    sandbox.writeConfig(`[archive]\nendpoint = "${s3.endpoint}"\nbucket = "logs"\nforce_path_style = true\n`);
    const warnings: string[] = [];
    await write(sandbox, 30, { max_bytes: 1 }, { archive: true, warnings });
    const segments = listSegments(auditLog(sandbox));
    assert.deepEqual(segments, range(1, segments.at(-1)!), "nothing archived yet: all kept");
    assert.equal(warnings.length, 2, warnings.join("\n")); // once per log
    assert.ok(
      warnings.some((warning) =>
        /audit\/writer-1: segment 00000001\.jsonl and the ones after it are past \[logs\] retention_days or max_bytes but not archived yet/.test(
          warning,
        ),
      ),
      warnings.join("\n"),
    );

    const env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
    const push = await runCli(sandbox, ["archive", "push"], { env });
    assert.equal(push.code, 0, push.stderr);
    const archived = listSegments(auditLog(sandbox)).slice(0, -1); // push sealed the live segment
    await write(sandbox, 10, { max_bytes: 1 }, { archive: true });
    const kept = listSegments(auditLog(sandbox));
    assert.equal(kept[0], archived.at(-1)! + 1, "every archived segment went, and only those");
    assert.ok(kept.length > 1, "the new, unarchived segments stay");

    const verified = await verify(sandbox);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /last seq 40 \(records 1-30 removed/);
    const tail = await runCli(sandbox, ["events", "tail", "-n", "100", "--json"]);
    assert.equal(tail.code, 0, tail.stderr);
    assert.deepEqual(
      jsonLines(tail.stdout).map((line) => line.record.data.i),
      range(0, 9),
    );
  } finally {
    sandbox.cleanup();
  }
});

test("a hand-made retention entry is refused: the registry's lines are signed", async () => {
  const sandbox = makeSandbox();
  try {
    await write(sandbox, 20);
    const first = JSON.parse(
      readFileSync(segmentPath(auditLog(sandbox), 1), "utf8")
        .split("\n")
        .at(-2)!,
    );
    const mark = { writer: "writer-1", seq: first.seq, hash: first.hash, time: new Date().toISOString() };
    appendFileSync(
      registryPath(auditDir(sandbox.dataDir)),
      `${JSON.stringify({ ...mark, pruned_through: 1, key_id: first.key_id, sig: "AAAA" })}\n`,
    );
    rmSync(segmentPath(auditLog(sandbox), 1));
    const result = await verify(sandbox);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad_head: .* has a signature that does not verify/);
  } finally {
    sandbox.cleanup();
  }
});
