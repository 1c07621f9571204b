import { Command } from "commander";

export function doctorCommand(): Command {
  return new Command("doctor")
    .description(
      "Check the setup: config, data dir, providers and keys, default model, sandbox, language servers, MCP servers, ports",
    )
    .option("--json", "one JSON array of checks ({ area, status: ok|warn|fail, detail })")
    .addHelpText(
      "after",
      `
Exit status 1 when a check failed (warnings do not).

Examples:
  $ codetether doctor
  $ codetether doctor --json | jq '.[] | select(.status != "ok")'`,
    )
    .action(async (options, command: Command) => {
      const { doctorAction } = await import("../doctor/doctor-action.ts");
      await doctorAction({ ...command.optsWithGlobals(), ...options });
    });
}
