import { LanguageServerPool } from "../lsp/manager.ts";
import type { Sandbox } from "./runner.ts";

/**
 * A front end's language servers, each started in the sandbox under `[sandbox.tools.lsp]` as a tool's
 * command would be: a server runs the workspace's own code (the TypeScript server prefers the workspace's
 * tsserver, tsconfig plugins load, other servers run build scripts), which must not escape through it.
 */
export function sandboxedLanguageServers(sandbox: Sandbox): LanguageServerPool {
  return new LanguageServerPool((argv, workspace) => sandbox.plan({ tool: "lsp", argv, workspace }));
}
