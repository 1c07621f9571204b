import type { Config } from "../config/schema.ts";
import type { Tool } from "../contracts/tool.ts";
import { mcpServers, type McpServerConfig } from "./config.ts";
import { connectMcpServer, type McpSession } from "./connect.ts";
import { mcpTool } from "./mcp-tool.ts";
import { maskUrlSecretsIn } from "../config/mask.ts";

export interface McpServerStatus {
  name: string;
  transport: "stdio" | "http";
  /** The command line or URL. */
  target: string;
  status: "connected" | "failed" | "disabled";
  error?: string;
  tools: Array<{ name: string; description: string }>;
}

export interface McpConnections {
  servers: McpServerStatus[];
  /** Every connected server's tools, named `<server>_<tool>`. */
  tools: Tool[];
  close(): Promise<void>;
}

/**
 * Connects every enabled `[mcp.<name>]` server in parallel. A server that fails to start, answer or
 * list its tools in time is reported through `onWarning` and skipped; it never fails the caller.
 */
export async function connectMcp(
  config: Config,
  workspace: string,
  onWarning: (message: string) => void = () => {},
): Promise<McpConnections> {
  const entries = mcpServers(config);
  const sessions: McpSession[] = [];
  const results = await Promise.all(
    entries.map(async ({ name, server }) => {
      const base = {
        name,
        transport: server.url ? "http" : "stdio",
        target: describeTarget(server),
        tools: [] as Tool[],
      } as const;
      if (!server.enabled) return { ...base, status: "disabled" as const };
      try {
        const session = await connectMcpServer(server, workspace);
        sessions.push(session);
        return {
          ...base,
          status: "connected" as const,
          tools: session.tools.map((info) => mcpTool(name, session.client, info, server.call_timeout)),
        };
      } catch (error) {
        const message = maskUrlSecretsIn((error as Error).message);
        onWarning(`MCP server '${name}' skipped: ${message}`);
        return { ...base, status: "failed" as const, error: message };
      }
    }),
  );
  const seen = new Set<string>();
  const tools = results.flatMap((r) => r.tools).filter((t) => !seen.has(t.name) && seen.add(t.name));
  return {
    servers: results.map(({ tools: serverTools, ...status }) => ({
      ...status,
      tools: serverTools.map((t) => ({ name: t.name, description: t.description })),
    })),
    tools,
    close: async () => void (await Promise.all(sessions.map((s) => s.close()))),
  };
}

/** How a server is shown (list, doctor, warnings): a URL's password and secret query parameters masked. */
function describeTarget(server: McpServerConfig): string {
  return server.url ? maskUrlSecretsIn(server.url) : [server.command!, ...server.args].join(" ");
}
