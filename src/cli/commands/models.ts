import { Command } from "commander";

export function modelsCommand(): Command {
  return new Command("models")
    .description("List the models of the configured providers (custom ones from their /models endpoint)")
    .argument("[filter]", "only models whose provider/model contains this text")
    .option("--all", "also providers with no key found")
    .option("--json", "one JSON array of providers with their models")
    .addHelpText(
      "after",
      `
Examples:
  $ codetether models
  $ codetether models claude
  $ codetether models --all --json | jq -r '.[].models[].ref'`,
    )
    .action(async (filter: string | undefined, options, command: Command) => {
      const { modelsAction } = await import("../models/models-action.ts");
      await modelsAction(filter, { ...command.optsWithGlobals(), ...options });
    });
}
