// Serve's caps against unauthenticated traffic, through a real `codetether serve`: slow headers and slow
// bodies are dropped, connections beyond [server] max_connections are refused while /health answers, and a
// flood of refused requests with long paths costs a bounded number of audit bytes.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import { useServe, TOKEN } from "../a2a/serve-process.ts";

/** A raw connection to `http`'s port: what it received, and when it was closed (ms after opening). */
function rawConnection(http: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(http);
  const socket = connect(Number(port), hostname);
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - opened)));
  return new Promise((resolve) => socket.on("connect", () => resolve({ socket, received: () => received, closed })));
}

describe("timeouts and the connection cap", () => {
  const running = useServe({
    toml: "max_connections = 4\nheaders_timeout_secs = 1\nrequest_timeout_secs = 2\nkeep_alive_timeout_secs = 30\n",
  });

  test("slow headers are answered 408 and dropped after headers_timeout_secs", async () => {
    const slow = await rawConnection(running.serve.endpoints.http);
    slow.socket.write("GET /health HTTP/1.1\r\nHost: x\r\n"); // never finished
    const ms = await slow.closed;
    assert.match(slow.received(), /^HTTP\/1\.1 408/);
    assert.ok(ms < 5000, `dropped after ${ms} ms`);
  });

  test("a slow body is answered 408 and dropped after request_timeout_secs", async () => {
    const slow = await rawConnection(running.serve.endpoints.http);
    slow.socket.write(
      `POST /a2a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js`,
    );
    const ms = await slow.closed;
    assert.match(slow.received(), /^HTTP\/1\.1 408/);
    assert.ok(ms >= 1500 && ms < 6000, `dropped after ${ms} ms`);
  });

  test("past max_connections requests get 503 while /health still answers", async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => rawConnection(running.serve.endpoints.http)));
    // Each held connection has been served once and stays open (keep-alive), so all four count.
    for (const connection of held) connection.socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    await waitUntil(() => held.every((connection) => connection.received().includes("\r\n\r\n")));

    const refused = await fetch(`${running.serve.endpoints.http}/a2a/rest/tasks`, {
      headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
    });
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { error: { status: string } }).error.status, "UNAVAILABLE");
    const health = await fetch(`${running.serve.endpoints.http}/health`);
    assert.equal(health.status, 200);

    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.closed));
    await waitUntil(async () => (await fetch(`${running.serve.endpoints.http}/a2a/rest/tasks`)).status === 401);
  });
});

describe("refused requests in the audit log", () => {
  const running = useServe();

  test("1,000 unauthenticated requests with 4 KB paths cost a bounded number of audit bytes", async () => {
    const auditBytes = () => bytesUnder(join(running.serve.sandbox.dataDir, "audit"));
    const before = auditBytes();
    const path = `/v1/${"a".repeat(4096)}`;
    for (let batch = 0; batch < 50; batch++) {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${running.serve.endpoints.http}${path}`).then((res) => res.status)),
      );
      assert.deepEqual(new Set(statuses), new Set([401]));
    }
    await running.serve.stop(); // flushes the refusals still being counted
    const written = auditBytes() - before;
    const records = auditLines(join(running.serve.sandbox.dataDir, "audit")).filter((r) => r.status === "401");
    const counted = records.reduce((sum, record) => sum + (record.details.count as number), 0);
    assert.equal(counted, 1000, "every refusal is counted");
    assert.ok(
      records.every((record) => Buffer.byteLength(record.resource) <= 260),
      "paths cut to 256 bytes",
    );
    // One record per source and second: the flood took a few seconds at most.
    assert.ok(written < 32 * 1024, `${written} audit bytes for 1,000 refused requests (4 MB of paths)`);
  });
});

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const stats = statSync(join(dir, entry));
    if (stats.isFile()) total += stats.size;
  }
  return total;
}

function auditLines(dir: string): Array<{ status: string; resource: string; details: Record<string, unknown> }> {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(".jsonl"))
    .flatMap((entry) => readFileSync(join(dir, entry), "utf8").split("\n").filter(Boolean))
    .map((line) => JSON.parse(line));
}

async function waitUntil(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
