import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool as McpToolInfo } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { truncateOutput } from "../tool/truncate.ts";
import { defineTool, ToolError, type Tool, type ToolAttachment } from "../contracts/tool.ts";
import { mcpToolName } from "./tool-name.ts";

const MAX_DESCRIPTION = 1024;

/**
 * One MCP server tool as an agent tool named `<server>_<tool>`. The server's JSON Schema reaches the
 * model unchanged (carried as zod metadata, which JSON Schema generation merges in); the server
 * validates arguments itself, so locally any object passes. `callTimeoutMs` bounds each call.
 */
export function mcpTool(server: string, client: Client, info: McpToolInfo, callTimeoutMs: number): Tool {
  const name = mcpToolName(server, info.name);
  const { $schema: _schema, $id: _id, ...inputSchema } = info.inputSchema as Record<string, unknown>;
  return defineTool({
    name,
    description: (info.description ?? info.title ?? `${info.name} from MCP server ${server}`).slice(0, MAX_DESCRIPTION),
    kind: "other",
    parameters: z.looseObject({}).meta(inputSchema),
    targets: (args) => [{ target: JSON.stringify(args) }],
    async execute(args, ctx) {
      let result;
      try {
        result = await client.callTool({ name: info.name, arguments: args }, undefined, {
          signal: ctx.signal,
          timeout: callTimeoutMs,
        });
      } catch (error) {
        throw new ToolError(`MCP server ${server} failed on ${info.name}: ${(error as Error).message}`);
      }
      const { text, attachments } = renderContent(result.content as McpContent[], result.structuredContent);
      if (result.isError) throw new ToolError(text || `${info.name} reported an error`);
      const output = truncateOutput(text || "(no output)", { outputDir: ctx.outputDir, name });
      return { output, title: `${server} ${info.name}`, attachments: attachments.length ? attachments : undefined };
    },
  }) as Tool;
}

type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; mimeType: string }
  | { type: "resource"; resource: { uri: string; text?: string; blob?: string } }
  | { type: "resource_link"; uri: string; name?: string };

/** Text parts joined; images become attachments; resources are shown by their text or their URI. */
function renderContent(
  content: McpContent[] = [],
  structured: unknown,
): { text: string; attachments: ToolAttachment[] } {
  const parts: string[] = [];
  const attachments: ToolAttachment[] = [];
  for (const item of content) {
    if (item.type === "text") parts.push(item.text);
    else if (item.type === "image") attachments.push({ type: "image", mediaType: item.mimeType, data: item.data });
    else if (item.type === "resource") parts.push(item.resource.text ?? `[resource ${item.resource.uri}]`);
    else if (item.type === "resource_link") parts.push(`[resource ${item.uri}]`);
    else parts.push(`[${item.type} content not shown]`);
  }
  if (parts.length === 0 && structured !== undefined) parts.push(JSON.stringify(structured));
  return { text: parts.join("\n"), attachments };
}
