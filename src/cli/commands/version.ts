import { Command } from "commander";
import { version } from "../../version.ts";

export function versionCommand(): Command {
  return new Command("version")
    .description("Print the version (also: -v, -V, --version)")
    .option("--json", "the version with Node's and the platform's, as JSON")
    .addHelpText("after", "\nExamples:\n  $ codetether version\n  $ codetether version --json")
    .action((options: { json?: boolean }) => {
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ version, node: process.versions.node, platform: `${process.platform}-${process.arch}` })}\n`
          : `${version}\n`,
      );
    });
}
