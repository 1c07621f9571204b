import { Command } from "commander";

export function sessionsCommand(): Command {
  const sessions = new Command("sessions")
    .description("List, show, export and delete stored sessions (alone: list)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether sessions\n  $ codetether sessions show ses_123\n  $ codetether sessions export ses_123 --format md > chat.md\n  $ codetether sessions delete ses_123",
    );
  sessions
    .command("list", { isDefault: true })
    .description("List this directory's sessions, newest first (--all: every directory's, sub-agent sessions too)")
    .option("--all", "sessions of every directory, sub-agent sessions included")
    .option("-n, --limit <n>", "how many", "20")
    .option("--json", "one JSON array")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether sessions list\n  $ codetether sessions list --all --json | jq '.[0].id'",
    )
    .action(async (options: { all?: boolean; limit: string; json?: boolean }) => {
      const { listSessions } = await import("../sessions/list-sessions.ts");
      listSessions(options);
    });
  sessions
    .command("show")
    .description("Show a session's details and conversation")
    .argument("<id>", "session id (see: codetether sessions list)")
    .option("--json", "the session's details as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether sessions show ses_123 | less\n  $ codetether sessions show ses_123 --json",
    )
    .action(async (id: string, options: { json?: boolean }) => {
      const { showSession } = await import("../sessions/session-actions.ts");
      showSession(id, options);
    });
  sessions
    .command("export")
    .description("Export a session as Markdown or JSON (its stored messages)")
    .argument("<id>", "session id")
    .option("--format <format>", "md or json", "md")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether sessions export ses_123 -o chat.md\n  $ codetether sessions export ses_123 --format json | jq '.messages | length'",
    )
    .action(async (id: string, options: { format: string; output?: string }) => {
      const { exportSession } = await import("../sessions/session-actions.ts");
      exportSession(id, options);
    });
  sessions
    .command("delete")
    .description("Delete a session with its messages and sub-agent sessions")
    .argument("<id>", "session id")
    .option("--json", "print the deleted ids as JSON")
    .addHelpText("after", "\nExamples:\n  $ codetether sessions delete ses_123")
    .action(async (id: string, options: { json?: boolean }) => {
      const { deleteSession } = await import("../sessions/session-actions.ts");
      deleteSession(id, options);
    });
  return sessions;
}
