import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { test } from "node:test";
import { openAuditTrail } from "../../src/audit/index.ts";
import { auditDir } from "../../src/audit/paths.ts";
import { tempDir } from "../events/temp-dir.ts";
import { CLI } from "../support/cli.ts";
import { TEST_AUDIT_KEY, TEST_AUDIT_SECRET } from "../support/audit-key.ts";

const WRITER = fileURLToPath(new URL("./crash-writer.ts", import.meta.url));

interface Ack {
  seq: number;
  segment: number;
  offset: number;
  length: number;
}

/** Runs the writer until it has acknowledged `target` records, then kill -9's it mid-stream. */
function runAndKill(dir: string, mode: string, target: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir, mode], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acks: Ack[] = [];
    let pending = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop()!; // a line cut by the kill was never fully reported: not counted as acknowledged
      for (const line of lines) {
        const [seq, segment, offset, length] = line.split(" ").map(Number) as [number, number, number, number];
        acks.push({ seq, segment, offset, length });
      }
      if (acks.length >= target) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve(acks);
      else reject(new Error(`writer exited on its own: ${stderr}`));
    });
  });
}

for (const [mode, target] of [
  ["always", 200],
  ["batched", 2000],
] as const) {
  test(`kill -9 mid-stream (fsync ${mode}): every acknowledged record survives and the chain verifies`, async () => {
    const dataDir = tempDir("codetether-crash-");
    const dir = join(auditDir(dataDir), "writer-1");
    const acks = await runAndKill(dir, mode, target);
    assert.ok(acks.length >= target);

    // The CLI recovers the dead writer's slot (torn tail cut) and verifies the whole chain.
    const cli = await promisify(execFile)(process.execPath, [CLI, "audit", "verify", "--json"], {
      env: { ...process.env, CODETETHER_DATA_DIR: dataDir, CODETETHER_AUDIT_KEY: TEST_AUDIT_SECRET },
    });
    const [fromCli] = cli.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.equal(fromCli.ok, true, cli.stdout);
    assert.ok(fromCli.last_seq >= Math.max(...acks.map((ack) => ack.seq)));

    const trail = await openAuditTrail(dir, TEST_AUDIT_KEY, { segmentBytes: 16 * 1024 });
    const verified = await trail.verify();
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.ok(verified.last_seq >= Math.max(...acks.map((ack) => ack.seq)));
    assert.ok(new Set(acks.map((ack) => ack.segment)).size > 1, "the run should have rotated segments");
    for (const ack of acks) assert.equal((await trail.read(ack)).seq, ack.seq);

    const next = await trail.append({ actor: "parent", action: "after.crash", resource: "log", status: "success" });
    assert.equal(next.record.seq, verified.last_seq + 1);
    assert.ok((await trail.verify()).ok);
    await trail.close();
  });
}
