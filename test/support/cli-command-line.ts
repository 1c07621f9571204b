// Checks a deployment's command line (a container's args, a compose command) against the real CLI: the
// command exists and has every `--option` given.
import assert from "node:assert/strict";
import { Command } from "commander";
import { registerCommands } from "../../src/cli/commands/index.ts";

const program = new Command("codetether");
registerCommands(program);

export function assertCliCommandLine(args: string[], label: string): void {
  const [name, ...rest] = args;
  const command = program.commands.find((c) => c.name() === name);
  assert.ok(command, `${label}: command ${name}`);
  for (const flag of rest.filter((arg) => arg.startsWith("--")))
    assert.ok(
      command.options.some((option) => option.long === flag),
      `${label}: ${name} has no option ${flag}`,
    );
}
