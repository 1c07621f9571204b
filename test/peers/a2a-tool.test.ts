import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { discoveryDirectory, installPeerDirectory, peersConfigured } from "../../src/peers/directory.ts";
import { PeerDiscovery } from "../../src/peers/discovery.ts";
import { a2aTool } from "../../src/tool/builtin/a2a.ts";
import { builtinTools } from "../../src/tool/builtin-tools.ts";
import { ToolError, type ToolContext } from "../../src/tool/tool.ts";
import { a2aCard, deadPeerUrl, startCardServer } from "./card-server.ts";

function context(): ToolContext {
  return { workspace: "/tmp", sessionId: "s", callId: "c", signal: new AbortController().signal, outputDir: "/tmp", authorize: async () => {} };
}

describe("a2a tool", () => {
  const saved = process.env.CODETETHER_A2A_PEERS;
  afterEach(() => {
    installPeerDirectory(undefined);
    if (saved === undefined) delete process.env.CODETETHER_A2A_PEERS;
    else process.env.CODETETHER_A2A_PEERS = saved;
  });

  it("is offered to the model only when peers are configured", () => {
    delete process.env.CODETETHER_A2A_PEERS;
    assert.equal(peersConfigured(), false);
    assert.ok(!builtinTools().some((tool) => tool.name === "a2a"));
    process.env.CODETETHER_A2A_PEERS = "http://127.0.0.1:4096/a2a";
    assert.ok(builtinTools().some((tool) => tool.name === "a2a"));
  });

  it("lists the live peers with their skills and refuses unknown ones with the live names", async () => {
    const reviewer = await startCardServer((base) => a2aCard("reviewer", base, [{ id: "code-review", name: "Code Review" }]));
    const discovery = new PeerDiscovery({ seeds: [reviewer.url, await deadPeerUrl()], maxFailures: 1, timeoutMs: 1_000 });
    try {
      await discovery.refresh();
      installPeerDirectory(discoveryDirectory(discovery, { token: "t" }));
      const listed = await a2aTool.execute({ action: "list" }, context());
      assert.equal(listed.output, `- reviewer (${reviewer.url}/a2a): reviewer agent; skills: code-review`);
      assert.equal(listed.title, "1 peer");
      await assert.rejects(a2aTool.execute({ action: "send", peer: "fixer", message: "fix it" }, context()), (error: Error) => {
        assert.ok(error instanceof ToolError);
        assert.equal(error.message, "no live peer 'fixer'; live peers: reviewer");
        return true;
      });
      await assert.rejects(a2aTool.execute({ action: "send", peer: "reviewer" }, context()), /send needs peer and message/);
    } finally {
      discovery.stop();
      await reviewer.close();
    }
  });

  it("says how to configure peers when there are none", async () => {
    delete process.env.CODETETHER_A2A_PEERS;
    await assert.rejects(a2aTool.execute({ action: "list" }, context()), /no A2A peers are configured \(set CODETETHER_A2A_PEERS/);
  });

  it("reads CODETETHER_A2A_PEERS on demand when no spawn loop is installed", async () => {
    const reviewer = await startCardServer((base) => a2aCard("reviewer", base));
    try {
      process.env.CODETETHER_A2A_PEERS = reviewer.url;
      const listed = await a2aTool.execute({ action: "list" }, context());
      assert.match(listed.output, /^- reviewer \(/);
    } finally {
      await reviewer.close();
    }
  });
});
