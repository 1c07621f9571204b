import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { discoveryDirectory, peersFromEnv } from "../../src/peers/directory.ts";
import { PeerDiscovery } from "../../src/peers/discovery.ts";
import { a2aTool } from "../../src/peers/a2a-tool.ts";
import { runTool } from "../../src/tool/invoke.ts";
import { ToolError, type ToolContext } from "../../src/contracts/tool.ts";
import type { LivePeer } from "../../src/peers/peer-table.ts";
import { TOKEN, useServe, waitFor } from "../a2a/serve-process.ts";
import { a2aCard, deadPeerUrl, startCardServer } from "./card-server.ts";

const running = useServe();

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

it("a send to a peer that hangs ends at its timeout: a tool error, and the peer's task is canceled", async () => {
  running.fake.push({ match: { lastUserContains: "slow job" }, hang: true, items: [{ text: "starting…" }] });
  const peer: LivePeer = {
    seed: "s",
    state: "live",
    name: "slow",
    url: running.serve.endpoints.jsonrpc,
    skills: [],
    failures: 0,
  };
  const tool = a2aTool({ token: TOKEN, livePeers: async () => [peer] });
  const ctx = context();
  const started = Date.now();
  await assert.rejects(
    runTool(tool, { action: "send", peer: "slow", message: "slow job", timeout: 1 }, ctx),
    (error) => {
      assert.ok(error instanceof ToolError);
      assert.equal(error.message, "peer slow did not finish within 1 s; its task was asked to cancel");
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000);
  const listed = await waitFor(async () => {
    const response = await fetch(`${running.serve.endpoints.rest}/tasks`, {
      headers: { authorization: `Bearer ${TOKEN}`, "a2a-version": "1.0" },
    });
    const { tasks } = (await response.json()) as { tasks: Array<{ status: { state: string } }> };
    return tasks.length === 1 && tasks[0]!.status.state === "TASK_STATE_CANCELED" ? tasks : undefined;
  }, "the peer's task to be canceled");
  assert.equal(listed.length, 1);
});
