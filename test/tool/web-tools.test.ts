import assert from "node:assert/strict";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { testWorld } from "./context.ts";

async function serve(handler: RequestListener): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("webfetch", () => {
  it("turns HTML into markdown or text, and returns other types as is", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/page") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.end(
          "<html><head><script>evil()</script></head><body><h1>Title</h1><p>Some <b>bold</b> <a href='/x'>link</a>.</p></body></html>",
        );
      } else if (req.url === "/big") {
        res.setHeader("content-type", "text/plain");
        res.end("x".repeat(6 * 1024 * 1024));
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 3000).unref();
      } else {
        res.setHeader("content-type", "application/json");
        res.end('{"ok":true}');
      }
    });
    const w = testWorld();
    assert.equal(await w.call("webfetch", { url: `${url}/page` }), "# Title\n\nSome **bold** [link](/x).");
    assert.equal(await w.call("webfetch", { url: `${url}/page`, format: "text" }), "Title\n\nSome bold link.");
    assert.equal(await w.call("webfetch", { url: `${url}/data` }), '{"ok":true}');
    await assert.rejects(w.call("webfetch", { url: `${url}/big` }), /limit/);
    await assert.rejects(w.call("webfetch", { url: `${url}/slow`, timeout: 1 }), /did not answer within 1 s/);
  });

  it("refuses non-http URLs and reports unreachable hosts", async () => {
    const w = testWorld();
    await assert.rejects(w.call("webfetch", { url: "file:///etc/passwd" }), /only http and https/);
    await assert.rejects(w.call("webfetch", { url: "not a url" }), /not a URL/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(w.call("webfetch", { url: `http://127.0.0.1:${port}/` }), /cannot fetch .*ECONNREFUSED/);
  });
});

describe("websearch", () => {
  it("queries a SearXNG JSON endpoint", async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(req.url ?? "");
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          results: [
            { title: "Node docs", url: "https://nodejs.org", content: "The   runtime" },
            { title: "Two", url: "https://two" },
          ],
        }),
      );
    });
    const w = testWorld({ config: { websearch: { provider: "searxng", url } } as unknown as Config });
    assert.equal(
      await w.call("websearch", { query: "node js", limit: 5 }),
      "1. Node docs\n   https://nodejs.org\n   The runtime\n2. Two\n   https://two",
    );
    assert.deepEqual(seen, ["/search?q=node+js&format=json"]);
  });

  it("queries Brave with the key from the environment", async () => {
    let token: string | undefined;
    const url = await serve((req, res) => {
      token = req.headers["x-subscription-token"] as string;
      res.end(JSON.stringify({ web: { results: [{ title: "T", url: "https://t", description: "d" }] } }));
    });
    process.env.TEST_BRAVE_KEY = "k123";
    const w = testWorld({
      config: {
        websearch: { provider: "brave", url: `${url}/res`, api_key_env: "TEST_BRAVE_KEY" },
      } as unknown as Config,
    });
    assert.equal(await w.call("websearch", { query: "q" }), "1. T\n   https://t\n   d");
    assert.equal(token, "k123");
    delete process.env.TEST_BRAVE_KEY;
  });

  it("says clearly when no backend is configured or the config is wrong", async () => {
    await assert.rejects(
      testWorld().call("websearch", { query: "q" }),
      /web search is not configured: add to config\.toml \[websearch\]/,
    );
    const bad = testWorld({ config: { websearch: { provider: "google" } } as unknown as Config });
    await assert.rejects(bad.call("websearch", { query: "q" }), /invalid \[websearch\] config/);
  });
});
