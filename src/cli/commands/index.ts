import type { Command } from "commander";
import { archiveCommand } from "./archive.ts";
import { auditCommand } from "./audit.ts";
import { configCommand } from "./config.ts";
import { eventsCommand } from "./events.ts";
import { mcpCommand } from "./mcp.ts";
import { runCommand } from "./run.ts";
import { serveCommand } from "./serve.ts";
import { sessionsCommand } from "./sessions.ts";

/**
 * Every command, registered eagerly with its options and help; each action imports its
 * implementation lazily so that `codetether --help` loads nothing heavy.
 */
export function registerCommands(program: Command): void {
  program.option("--config <path>", "config file (default: $CODETETHER_CONFIG or ~/.config/codetether-agent/config.toml)");
  for (const command of [runCommand(), sessionsCommand(), configCommand(), mcpCommand(), serveCommand(), eventsCommand(), auditCommand(), archiveCommand()]) program.addCommand(command);
}
