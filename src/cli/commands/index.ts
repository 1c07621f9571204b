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

/** Every command by its name, in the order the help lists them. */
export const COMMANDS: Readonly<Record<string, () => Command>> = {
  tui: tuiCommand,
  run: runCommand,
  swarm: swarmCommand,
  sessions: sessionsCommand,
  config: configCommand,
  mcp: mcpCommand,
  plugin: pluginCommand,
  serve: serveCommand,
  spawn: spawnCommand,
  peers: peersCommand,
  worker: workerCommand,
  a2a: a2aCommand,
  events: eventsCommand,
  audit: auditCommand,
  archive: archiveCommand,
  bench: benchCommand,
  rlm: rlmCommand,
  okr: okrCommand,
  ralph: ralphCommand,
  crash: crashCommand,
  version: versionCommand,
  completion: completionCommand,
  models: modelsCommand,
  doctor: doctorCommand,
};

/** Commands that read the whole command table (the completion script lists every command). */
const NEEDS_EVERY_COMMAND = new Set(["completion"]);

/**
 * The global options and the commands, each with its options and help; each action imports its
 * implementation lazily so that `codetether --help` loads nothing heavy. When the command invoked is
 * known (`codetether run …`), only it is registered: building the other commands' options and help
 * is ~9 ms of a one-shot run's start. Anything else (help, an unknown command, an alias, no argv) gets
 * them all.
 */
export function registerCommands(program: Command, argv: readonly string[] = []): void {
  program.option(
    "--config <path>",
    "config file (default: $CODETETHER_CONFIG or ~/.config/codetether-agent/config.toml)",
  );
  const invoked = invokedCommand(argv);
  const names =
    invoked && Object.hasOwn(COMMANDS, invoked) && !NEEDS_EVERY_COMMAND.has(invoked)
      ? [invoked]
      : Object.keys(COMMANDS);
  for (const name of names) program.addCommand(COMMANDS[name]!());
}

/** The first argument after the global options (`--config f.toml run …` → "run"), unless another option precedes it. */
function invokedCommand(argv: readonly string[]): string | undefined {
  let at = 0;
  while (argv[at] === "--config" || argv[at]?.startsWith("--config=")) at += argv[at] === "--config" ? 2 : 1;
  const first = argv[at];
  return first === undefined || first.startsWith("-") ? undefined : first;
}
