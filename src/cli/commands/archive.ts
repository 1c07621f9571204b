import { examples } from "./examples.ts";
import { Command } from "commander";

export function archiveCommand(): Command {
  const archive = new Command("archive")
    .description("Archive closed segments of the event stream and audit trail to S3 / R2 ([archive] in config.toml)")
    .addHelpText(
      "after",
      examples("codetether archive push", "codetether archive list", "codetether archive fetch audit/writer-1 1"),
    );
  archive
    .command("push")
    .description(
      "Close each log's live segment (unless another process writes it), then upload every closed segment not archived yet (content-hash keys, manifest per log; idempotent)",
    )
    .option("--json", "one JSON object per log")
    .addHelpText(
      "after",
      '\nConfigure in config.toml:\n  [archive]\n  endpoint = "https://<account>.r2.cloudflarestorage.com"   # omit for AWS S3\n  bucket = "codetether-logs"\n  region = "auto"\n\nExamples:\n  $ codetether archive push\n  $ codetether archive push --json',
    )
    .action(async (options: { json?: boolean }, command: Command) => {
      const { pushArchive } = await import("../archive/archive-actions.ts");
      await pushArchive({ ...command.optsWithGlobals(), ...options });
    });
  archive
    .command("list")
    .description("The archived segments of every local log, as their manifests list them")
    .option("--json", "one JSON array")
    .addHelpText("after", "\nExamples:\n  $ codetether archive list\n  $ codetether archive list --json | jq '.[].key'")
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listArchive } = await import("../archive/archive-actions.ts");
      await listArchive({ ...command.optsWithGlobals(), ...options });
    });
  archive
    .command("fetch")
    .description("Download one archived segment, checking its SHA-256; by default restores it into its log directory")
    .argument("<log>", "the log, as archive list shows it, e.g. audit/writer-1 or events/writer-2")
    .argument("<segment>", "segment number, e.g. 3; or `heads` for an audit writer's signed heads (with -o)")
    .option("-o, --out <file>", "write here instead of restoring into the log directory")
    .option("--json", "one JSON object")
    .addHelpText(
      "after",
      "\nExamples:\n  $ codetether archive fetch audit/writer-1 1\n  $ codetether archive fetch events/writer-1 4 -o /tmp/segment.jsonl\n  $ codetether archive fetch audit/writer-1 heads -o /tmp/heads.jsonl && codetether audit verify --head /tmp/heads.jsonl",
    )
    .action(async (log: string, segment: string, options: { out?: string; json?: boolean }, command: Command) => {
      const { fetchArchive } = await import("../archive/archive-actions.ts");
      await fetchArchive(log, segment, { ...command.optsWithGlobals(), ...options });
    });
  return archive;
}
