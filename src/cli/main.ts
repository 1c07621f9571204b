import { Command } from "commander";
import { version } from "../version.ts";
import { registerCommands } from "./commands/index.ts";
import { reportFatal } from "./fatal.ts";

const program = new Command("codetether")
  .description("A2A-native AI coding agent")
  .version(version, "-v, --version")
  .showSuggestionAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerCommands(program);

// `codetether events tail --json | head -1`: the reader went away; that is the end, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? process.exit(0) : reportFatal(error)));

// Bare `codetether` in a terminal opens the TUI; in scripts and pipes it still prints the help.
if (process.argv.length <= 2 && process.stdin.isTTY && process.stdout.isTTY) process.argv.push("tui");

program.parseAsync(process.argv).catch(reportFatal);
