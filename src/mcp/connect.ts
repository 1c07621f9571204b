import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool as McpToolInfo } from "@modelcontextprotocol/sdk/types.js";
import { version } from "../version.ts";
import type { McpServerConfig } from "./config.ts";

export interface McpSession {
  client: Client;
  tools: McpToolInfo[];
  close(): Promise<void>;
}

const STDERR_TAIL = 2000;
/** Largest message a stdio server may send: the SDK's 10 MiB default closed the connection on a big tool output. */
const STDIO_MAX_MESSAGE = 64 * 1024 * 1024;

/**
 * Starts (stdio) or reaches (streamable HTTP) one server, initialises it and lists its tools, all
 * within the server's timeout. The SDK is imported here, so nothing loads it unless MCP is configured.
 */
export async function connectMcpServer(
  server: Omit<McpServerConfig, "call_timeout">,
  workspace: string,
): Promise<McpSession> {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "codetether", version }, { capabilities: {} });
  const { transport, stderrTail } = await createTransport(server, workspace);
  const close = () => client.close().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${server.timeout} ms`)), server.timeout);
  });
  try {
    const tools = await Promise.race([initialise(client, transport), timeout]);
    return { client, tools, close };
  } catch (error) {
    await close();
    const tail = stderrTail().trim().split("\n").at(-1);
    throw new Error(`${(error as Error).message}${tail ? ` (stderr: ${tail})` : ""}`);
  } finally {
    clearTimeout(timer);
  }
}

async function initialise(client: Client, transport: Transport): Promise<McpToolInfo[]> {
  await client.connect(transport);
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

async function createTransport(
  server: Omit<McpServerConfig, "call_timeout">,
  workspace: string,
): Promise<{ transport: Transport; stderrTail: () => string }> {
  if (server.url) {
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    return {
      transport: new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: server.headers } }),
      stderrTail: () => "",
    };
  }
  const { StdioClientTransport, getDefaultEnvironment } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  const transport = new StdioClientTransport({
    command: server.command!,
    args: server.args,
    env: { ...getDefaultEnvironment(), ...server.env },
    cwd: server.cwd ?? workspace,
    // Piped, not inherited: a server's logs must not interleave with our output; the tail explains failures.
    stderr: "pipe",
    maxBufferSize: STDIO_MAX_MESSAGE,
  });
  let tail = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-STDERR_TAIL);
  });
  return { transport, stderrTail: () => tail };
}
