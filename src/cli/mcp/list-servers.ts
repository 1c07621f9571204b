import { loadConfig } from "../../config/load.ts";
import { connectMcp, type McpServerStatus } from "../../mcp/connections.ts";
import { painter, printJson } from "../output.ts";

/** `codetether mcp list`: every configured server with its status and tools (failures shown, not fatal). */
export async function listMcpServers(options: { config?: string; json?: boolean }): Promise<void> {
  const { config, path } = loadConfig(options.config);
  const mcp = await connectMcp(config, process.cwd());
  await mcp.close();
  if (options.json) return printJson(mcp.servers);
  if (mcp.servers.length === 0) {
    process.stdout.write(`no MCP servers configured (add an [mcp.<name>] table to ${path})\n`);
    return;
  }
  const paint = painter(process.stdout);
  const width = Math.max(...mcp.servers.map((s) => s.name.length));
  for (const server of mcp.servers) {
    process.stdout.write(
      `${paint("bold", server.name.padEnd(width))}  ${server.transport.padEnd(5)}  ${describeStatus(server, paint)}  ${paint("dim", server.target)}\n`,
    );
    for (const tool of server.tools)
      process.stdout.write(`  ${paint("cyan", tool.name)}  ${firstLine(tool.description)}\n`);
  }
}

function describeStatus(server: McpServerStatus, paint: ReturnType<typeof painter>): string {
  if (server.status === "connected")
    return paint("green", `connected (${server.tools.length} tool${server.tools.length === 1 ? "" : "s"})`);
  if (server.status === "disabled") return paint("dim", "disabled");
  return paint("red", `failed: ${server.error}`);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
