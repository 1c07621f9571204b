import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { SessionRecorder } from "../../src/durable-logs/recorder.ts";
import { sealLiveSegment } from "../../src/events/log/index.ts";
import { eventsDir } from "../../src/events/paths.ts";
import { openEventStream } from "../../src/events/stream.ts";
import { CLI, makeSandbox } from "../support/cli.ts";
import { TEST_AUDIT_KEY } from "../support/audit-key.ts";

const sandbox = makeSandbox();
after(() => sandbox.cleanup());

/** Resolves with the JSON lines printed so far once `done(lines)` holds. */
function collectLines(
  stream: NodeJS.ReadableStream,
  done: (lines: Array<Record<string, any>>) => boolean,
): Promise<Array<Record<string, any>>> {
  return new Promise((resolve) => {
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      if (done(lines)) resolve(lines);
    });
  });
}

test("events tail --follow in one process prints what other processes write, across writer slots, until interrupted", async () => {
  const before = await SessionRecorder.open(sandbox.dataDir, undefined, { key: TEST_AUDIT_KEY });
  before.recordEvent({ type: "old", session_id: "s1" });
  await before.flush(); // kept open: the next writer gets a second slot

  const tail = spawn(process.execPath, [CLI, "events", "tail", "--follow", "--json", "-n", "1", "--session", "s1"], {
    env: sandbox.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => tail.on("close", resolve));
  const seen = collectLines(tail.stdout, (lines) => lines.some((line) => line.record.type === "new-2"));
  await collectLines(tail.stdout, (lines) => lines.length >= 1); // the recent event is printed: following has started

  const other = await SessionRecorder.open(sandbox.dataDir, undefined, { key: TEST_AUDIT_KEY });
  before.recordEvent({ type: "new-1", session_id: "s1" });
  other.recordEvent({ type: "elsewhere", session_id: "s2" });
  await before.close();
  await new Promise((resolve) => setTimeout(resolve, 5));
  other.recordEvent({ type: "new-2", session_id: "s1" });
  await other.close();

  const lines = await seen;
  assert.deepEqual(
    lines.map((line) => line.record.type),
    ["old", "new-1", "new-2"],
  );
  assert.deepEqual(
    lines.map((line) => line.stream),
    ["writer-1", "writer-1", "writer-2"],
  );
  tail.kill("SIGINT");
  assert.equal(await exited, 0);
});

test("events tail --follow follows a writer across segments closed by size and by seal", async () => {
  const rolling = makeSandbox();
  after(() => rolling.cleanup());
  const dir = join(eventsDir(rolling.dataDir), "writer-1");
  const stream = await openEventStream(dir, { segmentBytes: 400 });
  await stream.append({ type: "old", session_id: "r" });
  const tail = spawn(process.execPath, [CLI, "events", "tail", "--follow", "--json", "-n", "1", "--session", "r"], {
    env: rolling.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => tail.on("close", resolve));
  const seen = collectLines(tail.stdout, (lines) => lines.some((line) => line.record.type === "e11"));
  await collectLines(tail.stdout, (lines) => lines.length >= 1);

  for (let i = 0; i < 8; i++) await stream.append({ type: `e${i}`, session_id: "r", data: { i } });
  await stream.close();
  assert.equal(await sealLiveSegment(dir), "sealed"); // the newest segment is an empty one for a moment
  await new Promise((resolve) => setTimeout(resolve, 300)); // a poll of the tail sees it so
  const reopened = await openEventStream(dir, { segmentBytes: 400 });
  for (let i = 8; i < 12; i++) await reopened.append({ type: `e${i}`, session_id: "r", data: { i } });
  await reopened.close();

  const lines = await seen;
  assert.deepEqual(
    lines.map((line) => line.record.type),
    ["old", ...Array.from({ length: 12 }, (_, i) => `e${i}`)],
  );
  const segments = new Set(lines.map((line) => line.segment));
  assert.ok(segments.size >= 3, `records of ${[...segments].join(", ")}`);
  tail.kill("SIGINT");
  assert.equal(await exited, 0);
});
