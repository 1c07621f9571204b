import type { Command } from "commander";
import { a2aCommand } from "./a2a.ts";
import { archiveCommand } from "./archive.ts";
import { auditCommand } from "./audit.ts";
import { benchCommand } from "./bench.ts";
import { completionCommand } from "./completion.ts";
import { configCommand } from "./config.ts";
import { crashCommand } from "./crash.ts";
import { doctorCommand } from "./doctor.ts";
import { eventsCommand } from "./events.ts";
import { mcpCommand } from "./mcp.ts";
import { modelsCommand } from "./models.ts";
import { okrCommand } from "./okr.ts";
import { peersCommand } from "./peers.ts";
import { pluginCommand } from "./plugin.ts";
import { rlmCommand } from "./rlm.ts";
import { ralphCommand } from "./ralph.ts";
import { runCommand } from "./run.ts";
import { serveCommand } from "./serve.ts";
import { sessionsCommand } from "./sessions.ts";
import { spawnCommand } from "./spawn.ts";
import { swarmCommand } from "./swarm.ts";
import { tuiCommand } from "./tui.ts";
import { versionCommand } from "./version.ts";
import { workerCommand } from "./worker.ts";

/**
 * Every command, registered eagerly with its options and help; each action imports its
 * implementation lazily so that `codetether --help` loads nothing heavy.
 */
export function registerCommands(program: Command): void {
  program.option(
    "--config <path>",
    "config file (default: $CODETETHER_CONFIG or ~/.config/codetether-agent/config.toml)",
  );
  for (const command of [
    tuiCommand(),
    runCommand(),
    swarmCommand(),
    sessionsCommand(),
    configCommand(),
    mcpCommand(),
    pluginCommand(),
    serveCommand(),
    spawnCommand(),
    peersCommand(),
    workerCommand(),
    a2aCommand(),
    eventsCommand(),
    auditCommand(),
    archiveCommand(),
    benchCommand(),
    rlmCommand(),
    okrCommand(),
    ralphCommand(),
    crashCommand(),
    versionCommand(),
    completionCommand(),
    modelsCommand(),
    doctorCommand(),
  ])
    program.addCommand(command);
}
