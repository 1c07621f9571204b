import { examples } from "./examples.ts";
import { Command } from "commander";
import { parsePositive } from "../option-parsers.ts";

export function eventsCommand(): Command {
  const events = new Command("events")
    .description("The durable event stream of every session (JSONL with byte offsets)")
    .addHelpText(
      "after",
      examples("codetether events tail --session ses_123 --follow", "codetether events replay ses_123"),
    );
  events
    .command("tail")
    .description(
      "Show the newest events (of one session with --session); --follow keeps printing new ones from any process",
    )
    .option("-s, --session <id>", "only this session's events")
    .option("-n, --limit <n>", "how many recent events to show first", (v) => parsePositive(v, "--limit"), 20)
    .option("-f, --follow", "keep printing events as they are written, until interrupted")
    .option("--json", "one JSON record per line (with its stream, segment and offset)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether events tail\n  $ codetether events tail --session ses_123 --follow\n  $ codetether events tail -n 100 --json | jq 'select(.record.type == \"tool-completed\")'",
    )
    .action(async (options: { session?: string; limit: number; follow?: boolean; json?: boolean }) => {
      const { tailEvents } = await import("../events/tail-events.ts");
      await tailEvents(options);
    });
  events
    .command("replay")
    .description("Rebuild a session's transcript from the event stream alone")
    .argument("<session>", "session id")
    .option("--json", "the transcript as one JSON array of messages")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether events replay ses_123\n  $ codetether events replay ses_123 --json | jq length",
    )
    .action(async (session: string, options: { json?: boolean }) => {
      const { replaySession } = await import("../events/replay-session.ts");
      await replaySession(session, options);
    });
  return events;
}
