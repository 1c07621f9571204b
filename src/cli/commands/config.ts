import { Command } from "commander";
import { collect } from "../option-parsers.ts";

export function configCommand(): Command {
  return new Command("config")
    .description("Show or change the configuration (config.toml)")
    .option("--show", "print the effective configuration, secrets masked, and which sandbox confines tools' commands")
    .option("--set <key=value>", "set a value, e.g. default.model=anthropic/claude-sonnet-4-20250514", collect, [])
    .option("--path", "print the config file's path")
    .option("--json", "JSON output")
    .addHelpText(
      "after",
      `
Examples:
  $ codetether config --show
  $ codetether config --set default.provider=anthropic
  $ codetether config --set providers.ollama.type=openai-compatible --set providers.ollama.base_url=http://localhost:11434/v1`,
    )
    .action(async (options, command: Command) => {
      const { configAction } = await import("../config/config-action.ts");
      await configAction({ ...command.optsWithGlobals(), ...options });
    });
}
