import { pathToFileURL } from "node:url";
import type { ToolContext } from "../tool/tool.ts";
import { displayUri, formatDiagnostic } from "./format.ts";
import { languageServersFor } from "./manager.ts";

const MAX_SHOWN = 20;

/**
 * Appends the errors a language server now reports for the files an edit touched, so the model sees
 * what it broke right away. Files no server handles, and any server trouble, leave the output as is:
 * diagnostics are a bonus, never a reason for an edit to fail.
 */
export async function withDiagnostics(ctx: ToolContext, paths: string[], output: string): Promise<string> {
  const sections: string[] = [];
  for (const path of paths) {
    try {
      const servers = languageServersFor(ctx.workspace, ctx.config?.lsp);
      const client = await servers.clientFor(path);
      if (!client) continue;
      const errors = (await client.currentDiagnostics(path)).filter((d) => (d.severity ?? 1) === 1);
      if (errors.length === 0) continue;
      const display = displayUri(pathToFileURL(path).href, ctx.workspace);
      const shown = errors.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(display, d));
      if (errors.length > MAX_SHOWN) shown.push(`… and ${errors.length - MAX_SHOWN} more`);
      sections.push(`Errors in ${display} reported by the ${client.config.name} language server; fix them:\n${shown.join("\n")}`);
    } catch {
      // no diagnostics this time
    }
  }
  return sections.length ? `${output}\n\n${sections.join("\n\n")}` : output;
}
