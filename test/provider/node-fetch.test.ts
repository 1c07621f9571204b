import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { getEventListeners, once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, globalAgent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { Headers as LightHeaders } from "../../src/provider/light-headers.ts";
import { nodeFetch } from "../../src/provider/node-fetch.ts";

let server: Server;
let base: string;
const received: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/echo": (_req, res) => {
    res.writeHead(201, "Made", { "content-type": "application/json", "x-multi": ["a", "b"] });
    res.end(JSON.stringify({ ok: true }));
  },
  "/gzip": (_req, res) => {
    res.writeHead(200, { "content-encoding": "gzip" });
    res.end(gzipSync("compressed anyway"));
  },
  "/moved": (_req, res) => {
    res.writeHead(307, { location: "/echo" });
    res.end();
  },
  "/elsewhere": (_req, res) => {
    res.writeHead(302, { location: "http://127.0.0.2:9/x" });
    res.end();
  },
  "/stream": (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write("data: first\n\n"); // and never ends: the caller aborts
  },
};

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      routes[req.url!]!(req, res);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

// The provider requests' fetch (nodeFetch, kept for what it saves at start-up: see README, Performance)
// must answer as the global fetch does, which the rest of the CLI uses: both run the same checks.
for (const [name, fetch] of [
  ["nodeFetch", nodeFetch],
  ["global fetch", globalThis.fetch],
] as const) {
  test(`${name}: a POST goes out with its body and headers; status, headers and body come back`, async () => {
    const res = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Api-Key": "k" },
      body: '{"a":1}',
    });
    assert.equal(res.status, 201);
    assert.equal(res.statusText, "Made");
    assert.equal(res.ok, true);
    assert.equal(res.headers.get("Content-Type"), "application/json");
    assert.equal(res.headers.get("x-multi"), "a, b");
    assert.deepEqual(await res.json(), { ok: true });
    const sent = received.at(-1)!;
    assert.deepEqual(
      [sent.method, sent.body, sent.headers["content-length"], sent.headers["x-api-key"]],
      ["POST", '{"a":1}', "7", "k"],
    );
  });

  test(`${name}: the body is a web stream, as the AI SDK reads it; a compressed body is decoded`, async () => {
    const res = await fetch(`${base}/gzip`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of res.body!) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString(), "compressed anyway");

    const controller = new AbortController();
    const unread = await fetch(`${base}/gzip`, { signal: controller.signal });
    controller.abort(new Error("interrupted")); // before anyone reads the body: no uncaught error
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(unread.text(), /interrupted|aborted/);
  });
}

test("a same-origin 307 is followed with the body; another origin is refused, not sent the key", async () => {
  const res = await nodeFetch(`${base}/moved`, { method: "POST", body: "again" });
  assert.equal(res.status, 201);
  assert.deepEqual(
    received.slice(-2).map((r) => [r.url, r.body]),
    [
      ["/moved", "again"],
      ["/echo", "again"],
    ],
  );
  // Not a TypeError: the AI SDK would retry a network error, and a redirect will not change.
  await assert.rejects(nodeFetch(`${base}/elsewhere`, { headers: { "x-api-key": "secret" } }), (error: Error) => {
    assert.ok(!(error instanceof TypeError));
    assert.match(error.message, /redirects to http:\/\/127\.0\.0\.2:9; use that address as base_url/);
    return true;
  });
  assert.equal(received.at(-1)!.url, "/elsewhere");
});

test("a pooled connection the server closed while we were busy: the request is sent again on a new one", async () => {
  // As after an event-loop stall longer than the pool's margin before the server's keep-alive timeout.
  await (await nodeFetch(`${base}/echo`)).text();
  while (Object.values(globalAgent.freeSockets).flat().length === 0) await new Promise(setImmediate);
  const before = received.length;
  server.closeIdleConnections(); // this tick: the client has not read the close when the request goes out
  const res = await nodeFetch(`${base}/echo`, { method: "POST", body: "once" });
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { ok: true });
  assert.deepEqual(
    received.slice(before).map((r) => r.body),
    ["once"],
  );
});

test("an unreachable server is fetch's TypeError with the cause; an abort rejects or ends the stream with its reason", async () => {
  const closed = createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  const { port } = closed.address() as AddressInfo;
  closed.close();
  const shared = new AbortController(); // a run's steps and retries share one signal
  for (let i = 0; i < 12; i++) {
    await assert.rejects(
      nodeFetch(`http://127.0.0.1:${port}/`, { signal: shared.signal }),
      (error: TypeError) =>
        error instanceof TypeError &&
        error.message === "fetch failed" &&
        /ECONNREFUSED/.test(String((error.cause as Error).message ?? error.cause)),
    );
  }
  assert.equal(getEventListeners(shared.signal, "abort").length, 0, "failed requests leave no listener behind");

  const controller = new AbortController();
  const reason = new Error("interrupted");
  const res = await nodeFetch(`${base}/stream`, { signal: controller.signal });
  const reader = res.body!.getReader();
  assert.match(Buffer.from((await reader.read()).value!).toString(), /data: first/);
  controller.abort(reason);
  await assert.rejects(reader.read(), (error) => error === reason);
  await assert.rejects(nodeFetch(`${base}/echo`, { signal: controller.signal }), (error) => error === reason);
});

test("while an answer streams, the request's body is not kept in memory (a long session's prompt is large)", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const sent = new WeakRef(new Uint8Array(256 * 1024).fill(97));
  const controller = new AbortController();
  const res = await nodeFetch(`${base}/stream`, { method: "POST", body: sent.deref(), signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read(); // the answer has begun and goes on
  for (let i = 0; i < 3 && sent.deref(); i++) {
    await new Promise(setImmediate);
    gc();
  }
  assert.equal(sent.deref(), undefined);
  controller.abort();
  await reader.read().catch(() => undefined);
});

// The AI SDK gets the light Headers in place of the global one (scripts/build.mjs): same checks for both.
for (const [name, Headers] of [
  ["light Headers", LightHeaders],
  ["global Headers", globalThis.Headers as unknown as typeof LightHeaders],
] as const) {
  test(`${name}: case-insensitive, appends join, iteration is sorted and lower-case`, () => {
    const headers = new Headers({ "User-Agent": "a", Accept: "x" });
    headers.append("accept", "y");
    headers.set("USER-AGENT", "b");
    assert.equal(headers.get("user-agent"), "b");
    assert.equal(headers.get("Accept"), "x, y");
    assert.equal(headers.get("missing"), null);
    assert.deepEqual(
      [...headers],
      [
        ["accept", "x, y"],
        ["user-agent", "b"],
      ],
    );
    assert.deepEqual(
      Object.fromEntries(
        new Headers([
          ["B", "2"],
          ["a", "1"],
        ]).entries(),
      ),
      { a: "1", b: "2" },
    );
    assert.deepEqual([...new Headers(headers).keys()], ["accept", "user-agent"]);
    const seen: string[] = [];
    headers.forEach((value, key) => seen.push(`${key}=${value}`));
    assert.deepEqual(seen, ["accept=x, y", "user-agent=b"]);
    headers.delete("Accept");
    assert.equal(headers.has("accept"), false);
  });
}

test("nodeFetch hands what it does not handle (a Request object) to the global fetch", async () => {
  const res = await nodeFetch(new Request(`${base}/echo`, { method: "POST", body: "as a Request" }));
  assert.equal(res.status, 201);
  assert.ok(res instanceof Response);
  assert.equal(received.at(-1)!.body, "as a Request");
});

test(
  "https goes through TLS with certificate checks on: a self-signed server is refused",
  { skip: !hasOpenssl() && "openssl is not installed" },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "node-fetch-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-days",
        "1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const tls = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => res.end("secret"),
    );
    tls.listen(0, "127.0.0.1");
    await once(tls, "listening");
    try {
      await assert.rejects(
        nodeFetch(`https://127.0.0.1:${(tls.address() as AddressInfo).port}/`),
        (error: TypeError) => {
          assert.equal(error.message, "fetch failed");
          assert.match(String((error.cause as NodeJS.ErrnoException).code), /SELF_SIGNED/);
          return true;
        },
      );
    } finally {
      tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
