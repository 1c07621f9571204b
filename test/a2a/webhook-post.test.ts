import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { postWebhook, publicOnlyLookup } from "../../src/a2a/webhook-post.ts";

test("the webhook lookup refuses a name that resolves to loopback, whatever the check before it saw", async () => {
  for (const options of [{}, { all: true }]) {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup("localhost", options, (e) => resolve(e)),
    );
    assert.equal(error?.code, "EPRIVATE");
  }
  // Through a real request: the connection is never made.
  await assert.rejects(
    postWebhook("http://localhost:9/hook", {}, "{}", new AbortController().signal, publicOnlyLookup),
    /private or loopback/,
  );
});

test("a notification is POSTed with its headers and body; the status comes back, redirects are not followed", async () => {
  let received = "";
  const server = createServer((req, res) => {
    req.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
    req.on("end", () => {
      res.writeHead(req.headers["x-token"] === "t" ? 204 : 302, { location: "/elsewhere" });
      res.end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  try {
    assert.equal(
      await postWebhook(
        url,
        { "x-token": "t", "content-type": "application/json" },
        '{"a":1}',
        new AbortController().signal,
      ),
      204,
    );
    assert.equal(received, '{"a":1}');
    assert.equal(await postWebhook(url, {}, "{}", new AbortController().signal), 302);
  } finally {
    server.close();
  }
});
