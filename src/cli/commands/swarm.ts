import { Command, Option } from "commander";
import { parsePositive, parseSeconds } from "../option-parsers.ts";

export function swarmCommand(): Command {
  const swarm = new Command("swarm")
    .description(
      "Split a task into subtasks run by parallel sub-agents (file changes in git worktrees, merged back), then synthesize one answer",
    )
    .argument("[task...]", "the task (use - to read it from standard input)")
    .option("-m, --model <provider/model>", "model for the planner, the sub-agents and the synthesis")
    .addOption(
      new Option("-s, --strategy <strategy>", "how to split the task: auto, domain, data, stage, or none (one subtask)")
        .choices(["auto", "domain", "data", "stage", "none"])
        .default("auto"),
    )
    .option("--max-subagents <n>", "most subtasks in the plan (default 100)", (v) =>
      parsePositive(v, "--max-subagents"),
    )
    .option("--concurrency <n>", "sub-agents running at once (default 8)", (v) => parsePositive(v, "--concurrency"))
    .option("--max-steps <n>", "model steps per sub-agent (default 100)", (v) => parsePositive(v, "--max-steps"))
    .option("--timeout <secs>", "seconds per sub-agent (default 300)", parseSeconds)
    .addOption(
      new Option(
        "--auto-approve <level>",
        "what an 'ask' permission becomes for the sub-agents: all, safe (reads and edits inside the workspace) or none",
      )
        .choices(["all", "safe", "none"])
        .default("none"),
    )
    .option("--resume <id>", "finish a stopped swarm: only its subtasks not completed run again")
    .option("--json", "print the result as one JSON object (progress still goes to stderr)")
    .addHelpText(
      "after",
      `
Exit status: 0 when every subtask succeeded and merged, 1 otherwise, 130 when interrupted.

Examples:
  $ codetether swarm "add unit tests for every module in src/util"
  $ codetether swarm -s data --concurrency 4 --auto-approve safe "translate docs/*.md to French"
  $ codetether swarm -s none "fix the failing build"
  $ codetether swarm --json "audit the API handlers for missing auth" | jq .stats
  $ codetether swarm list
  $ codetether swarm --resume swarm_1a2b3c4d5e6f`,
    )
    .action(async (words: string[], options) => {
      const { swarmAction } = await import("../swarm/swarm-action.ts");
      await swarmAction(words, { ...swarm.optsWithGlobals(), ...options });
    });
  swarm
    .command("list")
    .description("List swarms, newest first, with their state (the ids to --resume)")
    .option("-n, --limit <n>", "how many", (v) => parsePositive(v, "--limit"), 20)
    .option("--json", "one JSON array")
    .addHelpText("after", "\nExamples:\n  $ codetether swarm list\n  $ codetether swarm list --json | jq '.[0].id'")
    .action(async (options: { limit: number; json?: boolean }, command: Command) => {
      const { listSwarms } = await import("../swarm/list-swarms.ts");
      // `swarm list --json`: swarm's own --json takes the flag before `list` sees it.
      listSwarms({ ...command.optsWithGlobals(), ...options });
    });
  return swarm;
}
