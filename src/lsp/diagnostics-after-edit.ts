import { pathToFileURL } from "node:url";
import type { ToolContext } from "../contracts/tool.ts";
import type { LanguageServerClient } from "./client.ts";
import { displayUri, formatDiagnostic } from "./format.ts";

const MAX_SHOWN = 20;
/** An edit's result never waits longer than this for a language server (its start included). */
const EDIT_DIAGNOSTICS_MS = 1000;

/**
 * Starts the file's language server in the background when one handles it, so that it is up by the
 * time the file is edited (read_file calls it). Never waits, never fails.
 */
export function warmLanguageServer(ctx: ToolContext, path: string): void {
  try {
    ctx.languageServers?.forWorkspace(ctx.workspace, ctx.config?.lsp).usableClientFor(path);
  } catch {
    // an invalid [lsp] config: the lsp tool reports it when used
  }
}

/**
 * Appends the errors a language server now reports for the files an edit touched, so the model sees
 * what it broke right away. The whole wait, a server's start included, is bounded: a server that is not
 * up in time goes on starting in the background for the next edit (reading a file already starts it).
 * Files no server handles, and any server trouble, leave the output as is: diagnostics are a bonus,
 * never a reason for an edit to fail or to take long.
 */
export async function withDiagnostics(ctx: ToolContext, paths: string[], output: string): Promise<string> {
  const deadline = Date.now() + EDIT_DIAGNOSTICS_MS;
  const sections = await Promise.all(
    paths.map(async (path) => {
      try {
        const servers = ctx.languageServers?.forWorkspace(ctx.workspace, ctx.config?.lsp);
        const client = await servers?.clientWithin(path, EDIT_DIAGNOSTICS_MS);
        return client ? await errorsSection(client, path, ctx.workspace, deadline - Date.now()) : undefined;
      } catch {
        return undefined; // an invalid [lsp] config, or server trouble: no diagnostics
      }
    }),
  );
  const found = sections.filter(Boolean);
  return found.length ? `${output}\n\n${found.join("\n\n")}` : output;
}

async function errorsSection(
  client: LanguageServerClient,
  path: string,
  workspace: string,
  budgetMs: number,
): Promise<string | undefined> {
  if (budgetMs <= 0) return undefined;
  const errors = (await client.currentDiagnostics(path, budgetMs)).filter((d) => (d.severity ?? 1) === 1);
  if (errors.length === 0) return undefined;
  const display = displayUri(pathToFileURL(path).href, workspace);
  const shown = errors.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(display, d));
  if (errors.length > MAX_SHOWN) shown.push(`… and ${errors.length - MAX_SHOWN} more`);
  return `Errors in ${display} reported by the ${client.config.name} language server; fix them:\n${shown.join("\n")}`;
}
