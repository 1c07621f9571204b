import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { runToolCalls } from "../../src/agent/tool-runner.ts";
import { defineTool, ToolError, type PermissionRequest, type Tool } from "../../src/contracts/tool.ts";
import { batchTool } from "../../src/tool/builtin/batch.ts";

/** A tool that never asks permission itself: only its declared target can gate it. */
function touchTool(executed: string[]): Tool {
  return defineTool({
    name: "touch",
    description: "test",
    kind: "edit",
    parameters: z.object({ path: z.string() }),
    targets: ({ path }) => [{ target: `/ws/${path}`, external: false }],
    execute: async ({ path }) => {
      executed.push(path);
      return { output: `touched ${path}` };
    },
  }) as Tool;
}

/** Refuses secret.txt the way the permission engine refuses: with a ToolError for the model. */
function gate(requests: PermissionRequest[]) {
  return async (request: PermissionRequest) => {
    requests.push(request);
    if (request.target.endsWith("secret.txt")) throw new ToolError(`permission denied: ${request.tool} on secret.txt`);
  };
}

async function run(calls: Array<{ tool: string; input: unknown }>, tools: Tool[], requests: PermissionRequest[]) {
  const ctx = {
    workspace: "/ws",
    sessionId: "s",
    signal: new AbortController().signal,
    outputDir: "/tmp",
    authorize: gate(requests),
  };
  const pending = calls.map((call, i) => ({ callId: `c${i + 1}`, ...call }));
  const stream = runToolCalls(pending, new Map(tools.map((t) => [t.name, t])), ctx);
  let next = await stream.next();
  while (!next.done) next = await stream.next();
  return next.value.map((part) => part.output);
}

describe("tool runner permission", () => {
  it("authorizes a tool's declared targets with its name and kind before execute", async () => {
    const executed: string[] = [];
    const requests: PermissionRequest[] = [];
    const outputs = await run(
      [
        { tool: "touch", input: { path: "secret.txt" } },
        { tool: "touch", input: { path: "notes.txt" } },
      ],
      [touchTool(executed)],
      requests,
    );
    assert.deepEqual(outputs, [
      { type: "error-text", value: "permission denied: touch on secret.txt" },
      { type: "text", value: "touched notes.txt" },
    ]);
    assert.deepEqual(executed, ["notes.txt"]);
    assert.deepEqual(requests, [
      { tool: "touch", kind: "edit", target: "/ws/secret.txt", external: false },
      { tool: "touch", kind: "edit", target: "/ws/notes.txt", external: false },
    ]);
  });

  it("gates batch's inner calls the same way", async () => {
    const executed: string[] = [];
    const requests: PermissionRequest[] = [];
    const [output] = await run(
      [
        {
          tool: "batch",
          input: {
            calls: [
              { tool: "touch", input: { path: "secret.txt" } },
              { tool: "touch", input: { path: "notes.txt" } },
            ],
          },
        },
      ],
      [touchTool(executed), batchTool as Tool],
      requests,
    );
    assert.deepEqual(output, {
      type: "text",
      value: "## 1. touch (error)\npermission denied: touch on secret.txt\n\n## 2. touch\ntouched notes.txt",
    });
    assert.deepEqual(executed, ["notes.txt"]);
    assert.deepEqual(
      requests.map((r) => r.target),
      ["/ws/secret.txt", "/ws/notes.txt"],
    );
  });
});
