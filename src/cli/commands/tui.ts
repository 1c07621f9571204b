import { Command, Option } from "commander";
import { parsePositive } from "../option-parsers.ts";

export function tuiCommand(): Command {
  return new Command("tui")
    .description(
      "Interactive terminal UI: chat with the agent, approve its actions, switch models and sessions (the default in a terminal)",
    )
    .option("-m, --model <provider/model>", "model to start with (change it later with /model)")
    .option("-c, --continue", "continue the latest session of this directory")
    .option("-s, --session <id>", "resume the given session")
    .option("--agent <name>", "agent profile to start with (Tab switches)")
    .option("--max-steps <n>", "stop a turn after this many model steps", (v) => parsePositive(v, "--max-steps"))
    .addOption(
      new Option("--layout <layout>", "start in this layout (Ctrl+B toggles)")
        .choices(["webview", "classic"])
        .default("webview"),
    )
    .addHelpText(
      "after",
      `
Keys: Enter send · Alt+Enter newline · Esc interrupt · Ctrl+C twice quit · Tab agent · Ctrl+B layout ·
      Ctrl+M model · Alt+j/k scroll · ? help · / commands · @ mention files

Examples:
  $ codetether                        # in a terminal: same as codetether tui
  $ codetether tui -c                 # pick up where you left off in this directory
  $ codetether tui -m anthropic/claude-sonnet-4-20250514 --layout classic`,
    )
    .action(async (options, command: Command) => {
      const { startTui } = await import("../../tui/start-tui.ts");
      await startTui({ ...command.optsWithGlobals(), ...options });
    });
}
