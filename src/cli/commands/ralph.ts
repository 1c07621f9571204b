import { examples } from "./examples.ts";
import { Command, InvalidArgumentError, Option } from "commander";
import { parsePositive } from "../option-parsers.ts";

const parseRetries = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`--max-quality-retries must be 0 or more, got '${value}'`);
  return n;
};

export function ralphCommand(): Command {
  const ralph = new Command("ralph")
    .description(
      "Autonomous PRD-driven development: a fresh agent per user story, each checked by the project's own quality gates",
    )
    .addHelpText(
      "after",
      examples('codetether ralph create-prd --feature "CSV export"', "codetether ralph run", "codetether ralph status"),
    );
  ralph
    .command("create-prd")
    .description("Write a prd.json for a feature: drafted by a model from the codebase, or a template with --template")
    .requiredOption("-f, --feature <text>", "the feature to plan")
    .option("--project-name <name>", "project name (default: the directory's name)")
    .option("-o, --out <path>", "where to write it", "prd.json")
    .option("--stories <n>", "number of stories", (v) => parsePositive(v, "--stories"))
    .option("-m, --model <provider/model>", "model that drafts the stories")
    .option("--template", "write the template without asking a model")
    .option("--force", "overwrite an existing file")
    .option("--json", "print the written PRD as JSON")
    .addHelpText(
      "after",
      `
Quality checks are detected from the project: package.json scripts (typecheck, lint, test, build),
Cargo.toml, pyproject.toml/pytest, go.mod, and a Makefile's targets.

Examples:
  $ codetether ralph create-prd --feature "User auth" --template
  $ codetether ralph create-prd -f "CSV export" --stories 4 -m anthropic/claude-sonnet-4-20250514
  $ codetether ralph create-prd -f "Dark mode" --out docs/prd.json --force`,
    )
    .action(async (options, command: Command) => {
      const { createPrdAction } = await import("../ralph/create-prd-action.ts");
      await createPrdAction({ ...command.optsWithGlobals(), ...options });
    });
  ralph
    .command("run")
    .description("Implement the PRD's stories one by one until all pass (exit 0 only then)")
    .option("-p, --prd <path>", "the PRD", "prd.json")
    .option("--max-iterations <n>", "most agent attempts in this run", (v) => parsePositive(v, "--max-iterations"), 10)
    .option("--max-quality-retries <n>", "retries of a failing story before moving on", parseRetries, 2)
    .option("-m, --model <provider/model>", "model of the story agents")
    .option(
      "--parallel <n>",
      "run up to n ready stories at once, each in its own git worktree",
      (v) => parsePositive(v, "--parallel"),
      1,
    )
    .option("--no-commit", "do not commit passed stories")
    .addOption(
      new Option(
        "--auto-approve <level>",
        "what a permission 'ask' becomes for the story agents: all (default; commands still run in the sandbox), safe (reads and workspace edits) or none; 'deny' rules always hold",
      )
        .choices(["all", "safe", "none"])
        .default("all"),
    )
    .option("--json", "print one JSON event per line")
    .addHelpText(
      "after",
      `
Each iteration: the next story (not passed, dependencies passed, lowest priority then complexity) goes to
a fresh agent with the PRD and progress.txt; it ends with STORY_COMPLETE: <id>; then the quality gates
(typecheck, lint, test, build) and the story's verification steps run from the PRD's directory. A passed
story is marked in the PRD and committed as "ralph: <id> <title>". Ctrl+C stops cleanly; run again to continue.
The checks run in the sandbox like the agents' commands; [sandbox.tools.ralph] in config.toml sets their
limits (e.g. network = true for checks that need it).

Examples:
  $ codetether ralph run
  $ codetether ralph run -p docs/prd.json --max-iterations 20 -m openai/gpt-5
  $ codetether ralph run --parallel 3
  $ codetether ralph run --no-commit --json | jq -c 'select(.type == "story_passed")'`,
    )
    .action(async (options, command: Command) => {
      const { ralphRunAction } = await import("../ralph/run-action.ts");
      await ralphRunAction({ ...command.optsWithGlobals(), ...options });
    });
  ralph
    .command("status")
    .description("Show the PRD's stories, their attempts and the last run's status")
    .option("-p, --prd <path>", "the PRD", "prd.json")
    .option("--json", "one JSON object")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether ralph status\n  $ codetether ralph status -p docs/prd.json --json | jq .status",
    )
    .action(async (options, command: Command) => {
      const { ralphStatusAction } = await import("../ralph/status-action.ts");
      ralphStatusAction({ ...command.optsWithGlobals(), ...options });
    });
  return ralph;
}
