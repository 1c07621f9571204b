import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { runToolCalls } from "../../src/agent/tool-runner.ts";
import { defineTool, type Tool } from "../../src/contracts/tool.ts";

const picture = defineTool({
  name: "picture",
  description: "test",
  kind: "read",
  parameters: z.object({}),
  execute: async () => ({
    output: "attached",
    attachments: [{ type: "image" as const, mediaType: "image/png", data: "AAAA" }],
  }),
});

describe("tool runner", () => {
  it("sends a result with attachments as AI SDK content parts", async () => {
    const tools = new Map<string, Tool>([["picture", picture as Tool]]);
    const ctx = {
      workspace: "/tmp",
      sessionId: "s",
      signal: new AbortController().signal,
      outputDir: "/tmp",
      authorize: async () => {},
    };
    const run = runToolCalls([{ callId: "c1", tool: "picture", input: {} }], tools, ctx);
    let next = await run.next();
    while (!next.done) next = await run.next();
    assert.deepEqual(next.value[0]?.output, {
      type: "content",
      value: [
        { type: "text", text: "attached" },
        { type: "image-data", data: "AAAA", mediaType: "image/png" },
      ],
    });
  });
});
