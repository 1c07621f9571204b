import { join } from "node:path";
import type { AuditInput } from "../audit/audit-record.ts";
import type { Config } from "../config/schema.ts";
import type { Tool } from "../contracts/tool.ts";
import { connectMcpServer, type McpSession } from "../mcp/connect.ts";
import { mcpTool } from "../mcp/mcp-tool.ts";
import { installedPlugins } from "./installed.ts";
import type { PluginLauncher } from "./launcher.ts";
import type { PluginManifest } from "./manifest.ts";
import type { PluginStatus, VerifiedPlugin } from "./verify.ts";

export interface PluginServices {
  config: Config;
  workspace: string;
  launcher: PluginLauncher;
  audit?: (input: AuditInput) => void;
  onWarning?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunningPlugins {
  /** Every started plugin's tools, named `<plugin id>_<tool>`. */
  tools: Tool[];
  close(): Promise<void>;
}

/**
 * Starts every installed plugin that verifies, each an MCP stdio server under the launcher's sandbox.
 * A refused plugin is reported and audited (`plugin.refused`) and never started; one that fails to
 * start is reported and skipped. Neither fails the caller.
 */
export async function startPlugins(services: PluginServices): Promise<RunningPlugins> {
  const { audit, onWarning } = services;
  const sessions: McpSession[] = [];
  const started = await Promise.all(
    installedPlugins(services.config, services.env).map(async (plugin) => {
      const resource = `plugin/${plugin.id}`;
      if (plugin.status === "refused") {
        onWarning?.(`plugin '${plugin.id}' refused: ${plugin.reason}`);
        audit?.({ actor: "agent", action: "plugin.refused", resource, status: "refused", details: describe(plugin) });
        return [];
      }
      try {
        const session = await startPlugin(plugin, services);
        sessions.push(session);
        audit?.({ actor: "agent", action: "plugin.start", resource, status: "started", details: describe(plugin) });
        const timeout = plugin.manifest.timeout_secs * 1000;
        return session.tools.map((info) => mcpTool(plugin.id, session.client, info, timeout));
      } catch (error) {
        const reason = (error as Error).message;
        onWarning?.(`plugin '${plugin.id}' skipped: ${reason}`);
        audit?.({ actor: "agent", action: "plugin.start", resource, status: "failed", details: { reason } });
        return [];
      }
    }),
  );
  return { tools: started.flat(), close: async () => void (await Promise.all(sessions.map((s) => s.close()))) };
}

async function startPlugin(plugin: VerifiedPlugin, services: PluginServices): Promise<McpSession> {
  const { manifest, dir } = plugin;
  const { command, args, env, cwd } = await services.launcher({
    dir,
    argv: entryArgv(manifest, dir),
    workspace: services.workspace,
    capabilities: manifest.capabilities,
  });
  return connectMcpServer(
    { command, args, env, cwd, headers: {}, enabled: true, timeout: manifest.timeout_secs * 1000 },
    services.workspace,
  );
}

/** A JavaScript entry runs with this node; anything else is executed itself. */
function entryArgv(manifest: PluginManifest, dir: string): string[] {
  const entry = join(dir, manifest.entry);
  return /\.[cm]?js$/.test(entry) ? [process.execPath, entry] : [entry];
}

function describe(plugin: PluginStatus) {
  const { version, capabilities, signed_by, reason } = plugin;
  return { version, capabilities, signed_by, reason };
}
