import { createRequire } from "node:module";
import { z } from "zod";
import { ToolError } from "../contracts/tool.ts";

/** One `[lsp.<name>]` table of config.toml. */
const serverSchema = z
  .object({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    extensions: z.array(z.string().min(1)).optional(),
    env: z.record(z.string(), z.string()).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const lspSectionSchema = z.record(z.string(), serverSchema);

export interface LanguageServerConfig {
  name: string;
  command: string;
  args: string[];
  /** Lower-case, with the dot: ".ts". */
  extensions: string[];
  env?: Record<string, string>;
}

/** typescript-language-server ships with CodeTether, so TS/JS work with no configuration. */
function builtinTypescript(): LanguageServerConfig {
  const cli = createRequire(import.meta.url).resolve("typescript-language-server/lib/cli.mjs");
  return {
    name: "typescript",
    command: process.execPath,
    args: [cli, "--stdio"],
    extensions: [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"],
  };
}

/**
 * The language servers of a config: the built-in TypeScript one (overridable, or off with
 * `enabled = false`) plus every `[lsp.<name>]` with a command and extensions.
 */
export function languageServers(section: unknown): LanguageServerConfig[] {
  const parsed = lspSectionSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new ToolError(`invalid [lsp] config: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
  const servers = new Map<string, LanguageServerConfig>([["typescript", builtinTypescript()]]);
  for (const [name, entry] of Object.entries(parsed.data)) {
    if (entry.enabled === false) {
      servers.delete(name);
      continue;
    }
    const base = servers.get(name);
    const command = entry.command ?? base?.command;
    const extensions = entry.extensions?.map(normalizeExtension) ?? base?.extensions;
    if (!command || !extensions) throw new ToolError(`[lsp.${name}] needs command and extensions`);
    servers.set(name, {
      name,
      command,
      args: entry.args ?? (entry.command ? [] : (base?.args ?? [])),
      extensions,
      env: entry.env,
    });
  }
  return [...servers.values()];
}

function normalizeExtension(extension: string): string {
  const lower = extension.toLowerCase();
  return lower.startsWith(".") ? lower : `.${lower}`;
}
