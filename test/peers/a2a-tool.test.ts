import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { discoveryDirectory, peersFromEnv } from "../../src/peers/directory.ts";
import { PeerDiscovery } from "../../src/peers/discovery.ts";
import { a2aTool } from "../../src/peers/a2a-tool.ts";
import { runTool } from "../../src/tool/invoke.ts";
import { ToolError, type ToolContext } from "../../src/contracts/tool.ts";
import { a2aCard, deadPeerUrl, startCardServer } from "./card-server.ts";

function context(): ToolContext {
  return {
    workspace: "/tmp",
    sessionId: "s",
    callId: "c",
    signal: new AbortController().signal,
    outputDir: "/tmp",
    authorize: async () => {},
  };
}

describe("a2a tool", () => {
  it("is built only over a directory: CODETETHER_A2A_PEERS gives one, no peers give none", () => {
    assert.equal(peersFromEnv({}), undefined);
    assert.equal(peersFromEnv({ CODETETHER_A2A_PEERS: "  " }), undefined);
    assert.ok(peersFromEnv({ CODETETHER_A2A_PEERS: "http://127.0.0.1:4096/a2a" }));
  });

  it("lists the live peers with their skills and refuses unknown ones with the live names", async () => {
    const reviewer = await startCardServer((base) =>
      a2aCard("reviewer", base, [{ id: "code-review", name: "Code Review" }]),
    );
    const discovery = new PeerDiscovery({
      seeds: [reviewer.url, await deadPeerUrl()],
      maxFailures: 1,
      timeoutMs: 1_000,
    });
    try {
      await discovery.refresh();
      const tool = a2aTool(discoveryDirectory(discovery, { token: "t" }));
      const listed = await runTool(tool, { action: "list" }, context());
      assert.equal(listed.output, `- reviewer (${reviewer.url}/a2a): reviewer agent; skills: code-review`);
      assert.equal(listed.title, "1 peer");
      await assert.rejects(
        runTool(tool, { action: "send", peer: "fixer", message: "fix it" }, context()),
        (error: Error) => {
          assert.ok(error instanceof ToolError);
          assert.equal(error.message, "no live peer 'fixer'; live peers: reviewer");
          return true;
        },
      );
      await assert.rejects(
        runTool(tool, { action: "send", peer: "reviewer" }, context()),
        /send needs peer and message/,
      );
    } finally {
      discovery.stop();
      await reviewer.close();
    }
  });

  it("over CODETETHER_A2A_PEERS, fetches the peers' cards when asked", async () => {
    const reviewer = await startCardServer((base) => a2aCard("reviewer", base));
    try {
      const tool = a2aTool(peersFromEnv({ CODETETHER_A2A_PEERS: reviewer.url })!);
      const listed = await runTool(tool, { action: "list" }, context());
      assert.match(listed.output, /^- reviewer \(/);
    } finally {
      await reviewer.close();
    }
  });
});
