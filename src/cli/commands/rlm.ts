import { Command, Option } from "commander";
import { collect, parsePositive } from "../option-parsers.ts";

export function rlmCommand(): Command {
  return new Command("rlm")
    .description(
      "Answer a question about content far larger than the model's context (files, logs, stdin): the model explores it with search and slice tools instead of reading it whole",
    )
    .argument("<query...>", "the question")
    .option("-f, --file <path>", "a file or glob to analyse (repeatable)", collect, [])
    .option("--content <text>", "the content itself, or - to read it from stdin")
    .addOption(
      new Option("--content-type <type>", "how to chunk it (default: detected)")
        .choices(["auto", "code", "logs", "conversation", "documents"])
        .default("auto"),
    )
    .option("-m, --model <provider/model>", "model to use, e.g. anthropic/claude-sonnet-4-20250514")
    .option(
      "--max-tokens <n>",
      "most tokens of content one sub-call reads",
      (v) => parsePositive(v, "--max-tokens"),
      4000,
    )
    .option("--max-iterations <n>", "most model steps", (v) => parsePositive(v, "--max-iterations"), 15)
    .option("--max-subcalls <n>", "most sub-calls over chunks", (v) => parsePositive(v, "--max-subcalls"), 50)
    .option("--json", "print {answer, iterations, sub_queries, content_type, content_bytes, stats} as JSON")
    .option("-v, --verbose", "show each tool call on stderr")
    .addHelpText(
      "after",
      `
Exit status: 0 with an answer; 1 when a limit stopped the exploration (the best partial answer is printed).

Examples:
  $ codetether rlm "which requests failed with 5xx, and why?" -f /var/log/app.log
  $ codetether rlm "where is the retry policy decided?" -f 'src/**/*.ts' -v
  $ journalctl -u api --since today | codetether rlm "summarise the errors" --content -
  $ codetether rlm "what did the user ask for last?" -f chat.txt --content-type conversation
  $ codetether rlm "count the deploys" -f deploy.log --json | jq .answer`,
    )
    .action(async (words: string[], options, command: Command) => {
      const { rlmAction } = await import("../rlm/rlm-action.ts");
      await rlmAction(words.join(" "), { ...command.optsWithGlobals(), ...options });
    });
}
