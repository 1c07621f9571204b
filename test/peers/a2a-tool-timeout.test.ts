import assert from "node:assert/strict";
import { test } from "node:test";
import { a2aTool } from "../../src/peers/a2a-tool.ts";
import type { LivePeer } from "../../src/peers/peer-table.ts";
import { runTool } from "../../src/tool/invoke.ts";
import { ToolError, type ToolContext } from "../../src/contracts/tool.ts";
import { TOKEN, useServe, waitFor } from "../a2a/serve-process.ts";

const running = useServe();

test("a send to a peer that hangs ends at its timeout: a tool error, and the peer's task is canceled", async () => {
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
  const ctx: ToolContext = {
    workspace: "/tmp",
    sessionId: "s",
    callId: "c",
    signal: new AbortController().signal,
    outputDir: "/tmp",
    authorize: async () => {},
  };
  const started = Date.now();
  await assert.rejects(
    runTool(tool, { action: "send", peer: "slow", message: "slow job", timeout: 1 }, ctx),
    (error) => {
      assert.ok(error instanceof ToolError);
      assert.equal(error.message, "peer slow did not finish within 1 s; its task was canceled");
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
