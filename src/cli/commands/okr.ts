import { examples } from "./examples.ts";
import { Command, Option } from "commander";
import { collect } from "../option-parsers.ts";

/** `codetether okr …`: objectives and key results, their runs (from `run "/go TASK"`), approval and resume. */
export function okrCommand(): Command {
  const okr = new Command("okr")
    .description("Objectives and key results: list, create, report, approve and resume runs")
    .addHelpText(
      "after",
      examples(
        "codetether okr list",
        'codetether run "/go make the test suite pass"',
        "codetether okr report --id 7c1e…",
      ),
    );
  okr
    .command("list")
    .description("List objectives, newest first, with their average key-result progress")
    .option("--status <status>", "only this status: draft, active, completed, cancelled or on_hold")
    .option("--json", "one JSON array")
    .addHelpText(
      "after",
      examples("codetether okr list", "codetether okr list --status active --json | jq '.[].title'"),
    )
    .action(async (options) => (await import("../okr/okr-read.ts")).listOkrs(options));
  okr
    .command("status")
    .description("An objective's key results with progress, and its latest run")
    .requiredOption("--id <okr>", "the objective's id")
    .option("--json", "JSON: the objective with latest_run")
    .addHelpText(
      "after",
      examples(
        "codetether okr status --id 7f3c…",
        "codetether okr status --id 7f3c… --json | jq .latest_run.kr_progress",
      ),
    )
    .action(async (options) => (await import("../okr/okr-read.ts")).okrStatus(options));
  okr
    .command("create")
    .description("Create an objective (asked for on a terminal unless --title is given)")
    .option("--title <text>", "the objective")
    .option("--description <text>", "what it is about")
    .option("--kr <title:target:unit>", 'a key result (repeatable), e.g. "Test coverage:80:%"', collect, [])
    .option("--json", "print the created objective as JSON")
    .addHelpText(
      "after",
      examples(
        'codetether okr create --title "Faster CLI" --kr "Startup time under:100:ms" --kr "Commands with --json:12:"',
        "codetether okr create   # asks on a terminal",
      ),
    )
    .action(async (options) => (await import("../okr/okr-create.ts")).createOkr(options));
  okr
    .command("runs")
    .description("An objective's runs, oldest first")
    .requiredOption("--id <okr>", "the objective's id")
    .option("--json", "one JSON array")
    .addHelpText(
      "after",
      examples("codetether okr runs --id 7f3c…", "codetether okr runs --id 7f3c… --json | jq '.[].status'"),
    )
    .action(async (options) => (await import("../okr/okr-read.ts")).okrRuns(options));
  okr
    .command("report")
    .description("The whole lifecycle: objective, key results with progress bars, runs, outcomes, cost")
    .requiredOption("--id <okr>", "the objective's id")
    .option("--json", "JSON: {okr, runs, cost}")
    .addHelpText("after", examples("codetether okr report --id 7f3c…"))
    .action(async (options) => (await import("../okr/okr-read.ts")).okrReport(options));
  okr
    .command("export")
    .description("The objective, its runs, outcomes and relay checkpoints as one JSON document")
    .requiredOption("--id <okr>", "the objective's id")
    .option("--json", "accepted for symmetry: export always prints JSON")
    .addHelpText("after", examples("codetether okr export --id 7f3c… > okr.json"))
    .action(async (options) => (await import("../okr/okr-read.ts")).okrExport(options));
  okr
    .command("stats")
    .description("Counts by status, average key-result progress, runs and cost")
    .option("--json", "one JSON object")
    .addHelpText("after", examples("codetether okr stats", "codetether okr stats --json | jq .average_kr_progress"))
    .action(async (options) => (await import("../okr/okr-read.ts")).okrStats(options));
  const autoApprove = () =>
    new Option("--auto-approve <level>", "what a permission 'ask' of the relay's agents becomes: all, safe or none")
      .choices(["all", "safe", "none"])
      .default("none");
  okr
    .command("approve")
    .description("Approve a run waiting for approval and execute it through the relay")
    .requiredOption("--run <id>", 'the run\'s id (printed by run "/go …")')
    .option("--reason <text>", "why, kept with the approval")
    .option("-m, --model <provider/model>", "model for the relay (default: the one that drafted it)")
    .addOption(autoApprove())
    .option("--json", "relay events and the final run as JSON lines")
    .addHelpText(
      "after",
      examples("codetether okr approve --run 2b9e…", "codetether okr approve --run 2b9e… --auto-approve safe --json"),
    )
    .action(async (options) => (await import("../okr/okr-continue.ts")).approveRun(options));
  okr
    .command("deny")
    .description("Deny a run waiting for approval (its objective is cancelled)")
    .requiredOption("--run <id>", "the run's id")
    .option("--reason <text>", "why, kept with the denial")
    .option("--json", "print the denied run as JSON")
    .addHelpText("after", examples('codetether okr deny --run 2b9e… --reason "too broad"'))
    .action(async (options) => (await import("../okr/okr-continue.ts")).denyRun(options));
  okr
    .command("cancel")
    .description("Give up a paused or interrupted run (or one waiting for approval): no longer offered to resume")
    .requiredOption("--run <id>", "the run's id")
    .option("--json", "print the cancelled run as JSON")
    .addHelpText("after", examples("codetether okr cancel --run 2b9e…"))
    .action(async (options) => (await import("../okr/okr-continue.ts")).cancelRunAction(options));
  okr
    .command("resume")
    .description("Continue an interrupted run (or /autochat relay) at the turn after its last checkpoint")
    .requiredOption("--run <id>", "the OKR run's id, or an /autochat relay's id")
    .option("-m, --model <provider/model>", "model for the relay (default: the one it ran with)")
    .addOption(autoApprove())
    .option("--json", "relay events and the result as JSON lines")
    .addHelpText("after", examples("codetether okr resume --run 2b9e…"))
    .action(async (options) => (await import("../okr/okr-continue.ts")).resumeRun(options));
  return okr;
}
