// A real MCP server built with @modelcontextprotocol/sdk, for tests of the MCP client: over stdio when run
// as a program (`node --import tsx test/support/mcp-server.ts`), over streamable HTTP via startMcpHttpServer().
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The server's tools: `echo`, `add`, `fail` (an error result), `sleep`, `big` and `weird.name` (needs sanitising). */
export function buildMcpServer(): McpServer {
  const server = new McpServer({ name: "codetether-test", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echo the text back", inputSchema: { text: z.string().describe("what to echo") } },
    async ({ text }) => ({
      content: [{ type: "text", text: `echo: ${text}` }],
    }),
  );
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({
      content: [{ type: "text", text: String(a + b) }],
    }),
  );
  server.registerTool("fail", { description: "Always fails" }, async () => ({
    content: [{ type: "text", text: "the server says no" }],
    isError: true,
  }));
  server.registerTool(
    "sleep",
    { description: "Answer after ms milliseconds", inputSchema: { ms: z.number() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: "text", text: "slept" }] };
    },
  );
  server.registerTool(
    "big",
    { description: "Answer with n bytes of text", inputSchema: { n: z.number() } },
    async ({ n }) => ({ content: [{ type: "text", text: "x".repeat(n) }] }),
  );
  server.registerTool("weird.name", { description: "A name with a dot" }, async () => ({
    content: [{ type: "text", text: "weird ok" }],
  }));
  return server;
}

/** The command line that starts this server over stdio from any working directory. */
export function mcpStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", import.meta.resolve("tsx"), fileURLToPath(import.meta.url)] };
}

export interface McpHttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:40123/mcp`. */
  url: string;
  close(): Promise<void>;
}

/** The same server over streamable HTTP (stateless: one server instance per request). */
export async function startMcpHttpServer(): Promise<McpHttpServer> {
  const http = createServer(async (req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const server = buildMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildMcpServer().connect(new StdioServerTransport());
}
