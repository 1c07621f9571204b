import { Command } from "commander";
import { version } from "../version.ts";
import { registerCommands } from "./commands/index.ts";
import { reportFatal } from "./fatal.ts";
import { announceCrashReports } from "./crash/crash-notice.ts";

const program = new Command("codetether")
  .description("A2A-native AI coding agent")
  .version(version, "-V, --version")
  .showSuggestionAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

// `-v` is the version only before any command: after one it is the command's own (rlm -v is --verbose).
if (process.argv[2] === "-v") process.argv[2] = "--version";
// The command path running ("run", "sessions list"; never its arguments) names a crash report. Crash
// reports saved since the last start are announced once, before any command but `crash` itself.
let command = "codetether";
program.hook("preAction", (_program, action) => {
  const names: string[] = [];
  for (let at: Command | null = action; at?.parent; at = at.parent) names.unshift(at.name());
  command = names.join(" ");
  if (names[0] !== "crash") announceCrashReports();
});
const fatal = (error: unknown) => reportFatal(error, { configPath: program.opts().config as string, command });
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

// `codetether events tail --json | head -1`: the reader went away; that is the end, not an error —
// unless the command listens itself (run stops its agent cleanly first, so its records are kept).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") return fatal(error);
  if (process.stdout.listenerCount("error") === 1) process.exit(0);
});

// `-V`, as many CLIs spell it, is --version too.
if (process.argv[2] === "-V") process.argv[2] = "--version";

// Bare `codetether` in a terminal opens the TUI; in scripts and pipes it still prints the help.
// Only global options (`codetether --config f.toml`) count as bare too.
const onlyGlobalOptions = (args: string[]) =>
  args.every((arg, i) => /^--config(=|$)/.test(arg) || (args[i - 1] === "--config" && !arg.startsWith("-")));
if (onlyGlobalOptions(process.argv.slice(2)) && process.stdin.isTTY && process.stdout.isTTY) process.argv.push("tui");

registerCommands(program, process.argv.slice(2));
program.parseAsync(process.argv).catch(fatal);
