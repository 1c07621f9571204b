import { Command } from "commander";

export function crashCommand(): Command {
  const crash = new Command("crash")
    .description(
      "Crash reports saved when [telemetry] crash_reporting is on (off by default): version, platform, command and code locations only — never messages, prompts, files, environment or keys",
    )
    .addHelpText(
      "after",
      `
Turn it on:  codetether config --set telemetry.crash_reporting=true
Reports live in <data dir>/crash-reports/; nothing leaves the machine unless you run \`crash send\`.

Examples:
  $ codetether crash list
  $ codetether crash show crash-20260101T120000Z-a1b2c3
  $ codetether crash send --endpoint https://crash.example.com/v1/reports
  $ codetether crash clear`,
    );
  crash
    .command("list")
    .description("The saved crash reports, oldest first")
    .option("--json", "one JSON object: {reports: [{id, created_at, version, command, error, sent_at}]}")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether crash list\n  $ codetether crash list --json | jq -r '.reports[] | select(.sent_at == null) | .id'",
    )
    .action(async (options: { json?: boolean }) => {
      const { listCrashes } = await import("../crash/crash-actions.ts");
      listCrashes(options);
    });
  crash
    .command("show")
    .description("Print a report as JSON, exactly as `send` would post it")
    .argument("<id>", "a report id from `crash list`")
    .addHelpText("after", "\nExamples:\n  $ codetether crash show crash-20260101T120000Z-a1b2c3")
    .action(async (id: string) => {
      const { showCrash } = await import("../crash/crash-actions.ts");
      showCrash(id);
    });
  crash
    .command("send")
    .description("POST the report given, else every unsent one, to [telemetry] endpoint (or --endpoint)")
    .argument("[id]", "a report id from `crash list` (default: all not sent yet)")
    .option("--endpoint <url>", "where to POST {reports: [...]} (default: [telemetry] endpoint)")
    .option("--json", "one JSON object: {sent: [ids], endpoint}")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether crash send                       # to [telemetry] endpoint\n  $ codetether crash send crash-20260101T120000Z-a1b2c3 --endpoint https://crash.example.com/v1/reports",
    )
    .action(async (id: string | undefined, options: { endpoint?: string; json?: boolean }, command: Command) => {
      const { sendCrashes } = await import("../crash/crash-actions.ts");
      await sendCrashes(id, { ...command.optsWithGlobals(), ...options });
    });
  crash
    .command("clear")
    .description("Remove every saved crash report")
    .option("--json", "one JSON object: {removed}")
    .addHelpText("after", "\nExamples:\n  $ codetether crash clear")
    .action(async (options: { json?: boolean }) => {
      const { clearCrashes } = await import("../crash/crash-actions.ts");
      clearCrashes(options);
    });
  return crash;
}
