import { pathToFileURL } from "node:url";
import { z } from "zod";
import { displayUri, formatDiagnostic, formatPosition, toLocations } from "../../lsp/format.ts";
import type { DocumentSymbol, Hover, Location, LocationLink, SymbolInformation } from "../../lsp/protocol.ts";
import { defineTool, ToolError, type ToolContext } from "../../contracts/tool.ts";
import { pathTarget } from "../workspace-path.ts";
import description from "./lsp.txt";
import { sourceLine } from "./source-line.ts";

const MAX_RESULTS = 50;
const SYMBOL_KINDS = [
  "",
  "file",
  "module",
  "namespace",
  "package",
  "class",
  "method",
  "property",
  "field",
  "constructor",
  "enum",
  "interface",
  "function",
  "variable",
  "constant",
  "string",
  "number",
  "boolean",
  "array",
  "object",
  "key",
  "null",
  "enum member",
  "struct",
  "event",
  "operator",
  "type parameter",
];

export const lspTool = defineTool({
  name: "lsp",
  description,
  kind: "read",
  parameters: z.object({
    op: z.enum(["definition", "references", "hover", "diagnostics", "symbols"]),
    path: z.string(),
    line: z.number().int().min(1).optional(),
    column: z.number().int().min(1).optional(),
  }),
  targets: ({ path }, ctx) => [pathTarget(ctx.workspace, path)],
  async execute({ op, line, column }, ctx, [target]) {
    if (!ctx.languageServers) throw new ToolError("language servers are not available in this run");
    const client = await ctx.languageServers.forWorkspace(ctx.workspace, ctx.config?.lsp).clientFor(target.absolute);
    if (!client)
      throw new ToolError(
        `no language server handles ${target.display}; configure one in config.toml [lsp.<name>] command, args, extensions`,
      );
    const title = `${op} ${target.display}${line ? `:${line}` : ""}`;
    if (op === "diagnostics") {
      const found = await client.currentDiagnostics(target.absolute);
      return {
        output:
          found.map((d) => formatDiagnostic(target.display, d)).join("\n") || `no diagnostics in ${target.display}`,
        title,
      };
    }
    // Waiting for the file's diagnostics also waits for the server to load the project: asked
    // earlier, a server answers from the single file (a definition would stop at the import).
    await client.currentDiagnostics(target.absolute);
    const uri = pathToFileURL(target.absolute).href;
    if (op === "symbols") {
      const symbols = await client.request<Array<DocumentSymbol | SymbolInformation> | null>(
        "textDocument/documentSymbol",
        { textDocument: { uri } },
      );
      return { output: formatSymbols(symbols ?? [], target.display) || `no symbols in ${target.display}`, title };
    }
    if (!line || !column) throw new ToolError(`${op} needs line and column (1-based) of the symbol`);
    const position = { textDocument: { uri }, position: { line: line - 1, character: column - 1 } };
    if (op === "hover") {
      const hover = await client.request<Hover | null>("textDocument/hover", position);
      return { output: hoverText(hover) || "no hover information at that position", title };
    }
    const method = op === "definition" ? "textDocument/definition" : "textDocument/references";
    const params = op === "references" ? { ...position, context: { includeDeclaration: true } } : position;
    const answer = await client.request<Location | Location[] | LocationLink[] | null>(method, params);
    return {
      output:
        (await formatLocations(toLocations(answer), ctx)) || `no ${op} found at ${target.display}:${line}:${column}`,
      title,
    };
  },
});

async function formatLocations(locations: Location[], ctx: ToolContext): Promise<string> {
  const lines = await Promise.all(
    locations.slice(0, MAX_RESULTS).map(async (l) => {
      const display = displayUri(l.uri, ctx.workspace);
      const text = await sourceLine(l.uri, l.range.start.line);
      return `${formatPosition(display, l.range)}${text ? `: ${text}` : ""}`;
    }),
  );
  if (locations.length > MAX_RESULTS) lines.push(`[${locations.length - MAX_RESULTS} more not shown]`);
  return lines.join("\n");
}

function formatSymbols(symbols: Array<DocumentSymbol | SymbolInformation>, display: string, depth = 0): string {
  return symbols
    .map((s) => {
      const range = "location" in s ? s.location.range : s.selectionRange;
      const own = `${"  ".repeat(depth)}${SYMBOL_KINDS[s.kind] ?? "symbol"} ${s.name} ${formatPosition(display, range).slice(display.length + 1)}`;
      const children =
        "children" in s && s.children?.length ? `\n${formatSymbols(s.children, display, depth + 1)}` : "";
      return own + children;
    })
    .join("\n");
}

function hoverText(hover: Hover | null): string {
  if (!hover) return "";
  const parts = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  return parts
    .map((p) => (typeof p === "string" ? p : p.value))
    .join("\n")
    .trim();
}
