import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { configSchema, type Config } from "../../src/config/schema.ts";
import { connectMcp } from "../../src/mcp/connections.ts";
import { mcpToolName } from "../../src/mcp/tool-name.ts";
import { compactInputSchema } from "../../src/tool/tool-schema.ts";
import { runTool } from "../../src/tool/invoke.ts";
import type { PermissionRequest, Tool, ToolContext } from "../../src/contracts/tool.ts";
import { mcpStdioCommand, startMcpHttpServer, type McpHttpServer } from "../support/mcp-server.ts";

const workspace = mkdtempSync(join(tmpdir(), "codetether-mcp-"));
let http: McpHttpServer;
before(async () => (http = await startMcpHttpServer()));
after(async () => {
  await http.close();
  rmSync(workspace, { recursive: true, force: true });
});

const configWith = (mcp: Record<string, unknown>): Config => configSchema.parse({ mcp });
function context(requests: PermissionRequest[] = []): ToolContext {
  return {
    workspace,
    sessionId: "s",
    callId: "c",
    signal: new AbortController().signal,
    outputDir: join(workspace, "out"),
    authorize: async (request) => void requests.push(request),
  };
}
const byName = (tools: Tool[], name: string) => tools.find((t) => t.name === name)!;

test("tool names are <server>_<tool>, reduced to what model APIs accept", () => {
  assert.equal(mcpToolName("my server", "weird.name"), "my_server_weird_name");
  assert.equal(mcpToolName("s", "x".repeat(100)).length, 64);
});

test("stdio and streamable HTTP servers connect in parallel; their tools call round-trip", async () => {
  const mcp = await connectMcp(configWith({ local: mcpStdioCommand(), remote: { url: http.url } }), workspace);
  try {
    assert.deepEqual(
      mcp.servers.map((s) => [s.name, s.transport, s.status]),
      [
        ["local", "stdio", "connected"],
        ["remote", "http", "connected"],
      ],
    );
    assert.deepEqual(mcp.tools.map((t) => t.name).sort(), [
      "local_add",
      "local_big",
      "local_echo",
      "local_fail",
      "local_sleep",
      "local_weird_name",
      "remote_add",
      "remote_big",
      "remote_echo",
      "remote_fail",
      "remote_sleep",
      "remote_weird_name",
    ]);
    const requests: PermissionRequest[] = [];
    const echo = byName(mcp.tools, "local_echo");
    assert.equal((await runTool(echo, { text: "hi" }, context(requests))).output, "echo: hi");
    assert.deepEqual(requests, [{ tool: "local_echo", kind: "other", target: '{"text":"hi"}' }]);
    assert.equal((await runTool(byName(mcp.tools, "remote_add"), { a: 2, b: 3 }, context())).output, "5");
    assert.equal((await runTool(byName(mcp.tools, "remote_weird_name"), {}, context())).output, "weird ok");
    await assert.rejects(
      runTool(byName(mcp.tools, "local_fail"), {}, context()),
      (e: Error) => e.name === "ToolError" && /the server says no/.test(e.message),
    );
    await assert.rejects(
      runTool(echo, { text: 5 }, context()),
      (e: Error) => e.name === "ToolError" && /local_echo|echo/.test(e.message),
    );
  } finally {
    await mcp.close();
  }
});

test("call_timeout bounds each call: a slower answer is a tool error, a quicker one passes", async () => {
  const mcp = await connectMcp(configWith({ remote: { url: http.url, call_timeout: 300 } }), workspace);
  try {
    const sleep = byName(mcp.tools, "remote_sleep");
    assert.equal((await runTool(sleep, { ms: 10 }, context())).output, "slept");
    await assert.rejects(
      runTool(sleep, { ms: 2_000 }, context()),
      (e: Error) => e.name === "ToolError" && /MCP server remote failed on sleep: .*timed out/i.test(e.message),
    );
  } finally {
    await mcp.close();
  }
});

test("a stdio tool's output over the SDK's 10 MiB default reaches the agent (truncated to a file), and the server stays up", async () => {
  const mcp = await connectMcp(configWith({ local: mcpStdioCommand() }), workspace);
  try {
    const big = await runTool(byName(mcp.tools, "local_big"), { n: 12 * 1024 * 1024 }, context());
    const saved = /full output in (\S+\.txt)/.exec(big.output)?.[1];
    assert.ok(saved, big.output);
    assert.equal(statSync(saved).size, 12 * 1024 * 1024, "the whole output is kept in a file");
    assert.equal((await runTool(byName(mcp.tools, "local_echo"), { text: "still" }, context())).output, "echo: still");
  } finally {
    await mcp.close();
  }
});

test("the server's JSON Schema reaches the model unchanged", async () => {
  const mcp = await connectMcp(configWith({ remote: { url: http.url } }), workspace);
  try {
    const schema = compactInputSchema(byName(mcp.tools, "remote_echo"));
    assert.equal(schema.type, "object");
    assert.deepEqual(schema.required, ["text"]);
    assert.deepEqual(schema.properties, { text: { type: "string", description: "what to echo" } });
  } finally {
    await mcp.close();
  }
});

test("a denied call never reaches the server", async () => {
  const mcp = await connectMcp(configWith({ remote: { url: http.url } }), workspace);
  try {
    const ctx = { ...context(), authorize: async () => Promise.reject(new Error("permission denied: nope")) };
    await assert.rejects(runTool(byName(mcp.tools, "remote_echo"), { text: "x" }, ctx), /permission denied/);
  } finally {
    await mcp.close();
  }
});

test("failing, hanging and disabled servers are reported and skipped, the others still connect", async () => {
  const warnings: string[] = [];
  const mcp = await connectMcp(
    configWith({
      missing: { command: join(workspace, "no-such-binary") },
      crashing: { command: process.execPath, args: ["-e", "console.error('boom: bad token'); process.exit(3)"] },
      // Reads requests but never answers; exits when its stdin closes, as real servers do.
      hanging: {
        command: process.execPath,
        args: ["-e", "process.stdin.resume().on('end', () => process.exit())"],
        timeout: 300,
      },
      refused: { url: "http://127.0.0.1:9/mcp", timeout: 2000 },
      credentialed: { url: "http://me:PASSWORD-1@127.0.0.1:9/mcp?api_key=QUERYKEY-2", timeout: 2000 },
      off: { url: http.url, enabled: false },
      good: { url: http.url },
    }),
    workspace,
    (w) => warnings.push(w),
  );
  try {
    const status = Object.fromEntries(mcp.servers.map((s) => [s.name, s.status]));
    assert.deepEqual(status, {
      missing: "failed",
      crashing: "failed",
      hanging: "failed",
      refused: "failed",
      credentialed: "failed",
      off: "disabled",
      good: "connected",
    });
    assert.equal(warnings.length, 5);
    // A URL's password and secret parameters stay out of the list, doctor and the warnings.
    const credentialed = mcp.servers.find((s) => s.name === "credentialed")!;
    assert.equal(credentialed.target, "http://me:****@127.0.0.1:9/mcp?api_key=****");
    assert.doesNotMatch(JSON.stringify([credentialed, warnings]), /PASSWORD-1|QUERYKEY-2/);
    assert.match(
      warnings.find((w) => w.includes("'crashing'"))!,
      /stderr: boom: bad token/,
    );
    assert.match(
      warnings.find((w) => w.includes("'hanging'"))!,
      /no answer within 300 ms/,
    );
    assert.ok(mcp.tools.every((t) => t.name.startsWith("good_")));
  } finally {
    await mcp.close();
  }
});

test("a bad [mcp] table is a one-line error naming the key", async () => {
  await assert.rejects(
    connectMcp(configWith({ x: { command: "a", url: "http://b" } }), workspace),
    /invalid config \[mcp\]: 'mcp.x': set either 'command'/,
  );
  await assert.rejects(
    connectMcp(configWith({ x: { command: "a", argv: [] } }), workspace),
    /'mcp.x': unknown key 'argv'/,
  );
});
