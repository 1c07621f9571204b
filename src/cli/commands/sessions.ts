import { Command } from "commander";

export function sessionsCommand(): Command {
  const sessions = new Command("sessions").description("List and inspect stored sessions");
  sessions
    .command("list")
    .description("List sessions, newest first (this directory's unless --all)")
    .option("--all", "sessions of every directory")
    .option("-n, --limit <n>", "how many", "20")
    .option("--json", "one JSON array")
    .addHelpText("after", "\nExamples:\n  $ codetether sessions list\n  $ codetether sessions list --all --json | jq '.[0].id'")
    .action(async (options: { all?: boolean; limit: string; json?: boolean }) => {
      const { listSessions } = await import("../sessions/list-sessions.ts");
      listSessions(options);
    });
  return sessions;
}
