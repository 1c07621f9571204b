import { examples } from "./examples.ts";
import { Command } from "commander";

export function mcpCommand(): Command {
  const mcp = new Command("mcp")
    .description("MCP servers configured in config.toml as [mcp.<name>]")
    .addHelpText(
      "after",
      examples("codetether mcp list", "codetether mcp list --json | jq '.[] | select(.status == \"failed\")'"),
    );
  mcp
    .command("list")
    .description("Connect to every configured MCP server and show its status and tools")
    .option("--json", "one JSON array of servers")
    .addHelpText(
      "after",
      `
Configure servers in config.toml:
  [mcp.files]
  command = "npx"
  args = ["-y", "@modelcontextprotocol/server-filesystem", "."]
  [mcp.docs]
  url = "https://example.com/mcp"

Examples:
  $ codetether mcp list
  $ codetether mcp list --json | jq '.[] | select(.status == "failed")'`,
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listMcpServers } = await import("../mcp/list-servers.ts");
      await listMcpServers({ ...command.optsWithGlobals(), ...options });
    });
  return mcp;
}
