import { Command, Option } from "commander";
import { loadCommand } from "../code-cache.ts";
import { parsePositive } from "../option-parsers.ts";

export function runCommand(): Command {
  return new Command("run")
    .description("Run one task non-interactively: the answer streams to stdout, tool activity to stderr")
    .argument(
      "[prompt...]",
      "the task; a - adds standard input to it (stdin piped with no words is the task; with words and no -, stdin is not read)",
    )
    .option("-m, --model <provider/model>", "model to use, e.g. anthropic/claude-sonnet-4-20250514")
    .option("-c, --continue", "continue the latest session of this directory")
    .option("-s, --session <id>", "continue the given session")
    .option(
      "--agent <name>",
      "agent profile: build (default), plan (read-only), explore, or one from .codetether/agents/*.md",
    )
    .option(
      "-f, --file <path>",
      "attach a file, repeatable: an image (PNG, JPEG, GIF, WebP) or text",
      (path: string, files: string[] = []) => [...files, path],
    )
    .option("--max-steps <n>", "stop after this many model steps", (v) => parsePositive(v, "--max-steps"))
    .addOption(
      new Option(
        "--auto-approve <level>",
        "what an 'ask' permission becomes with nobody to ask: all, safe (reads and edits inside the workspace) or none; 'deny' rules always hold",
      )
        .choices(["all", "safe", "none"])
        .default("none"),
    )
    .addOption(new Option("--approve", 'approve the OKR that "/go TASK" drafts without asking').conflicts("deny"))
    .option("--deny", 'deny the OKR that "/go TASK" drafts without asking')
    .option("--json", "print one JSON event per line instead of text")
    .addHelpText(
      "after",
      `
Examples:
  $ codetether run "add a --verbose flag to src/cli.ts"
  $ git diff | codetether run "review this diff" -
  $ codetether run -c "now add tests for it"
  $ codetether run --agent plan "how would you split src/big.ts?"
  $ codetether run -f screenshot.png "why is the button misaligned?"
  $ codetether run --auto-approve safe "update the .env.local example"
  $ codetether run --json -m openai/gpt-5 "fix the failing test" | jq .type
  $ codetether run "/go make the CLI start in under 100 ms"     # OKR + approval + relay
  $ codetether run "/autochat 4 review the error handling"      # a relay of 4 agents`,
    )
    .action(async (words: string[], options, command: Command) => {
      const { runAction } = await loadCommand("run", () => import("../run/run-action.ts"));
      await runAction(words, { ...command.optsWithGlobals(), ...options });
    });
}
