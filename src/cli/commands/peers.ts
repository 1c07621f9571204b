import { Command } from "commander";

export function peersCommand(): Command {
  return new Command("peers")
    .description(
      "List the agents a serve or spawned peer knows: itself, its bus neighbours and the peers it discovered",
    )
    .option("--url <url>", "the agent to ask (its base or A2A URL)", "http://127.0.0.1:4096")
    .option(
      "--token <token>",
      "its bearer token (default: $CODETETHER_PEER_TOKEN, $CODETETHER_AUTH_TOKEN, or <data dir>/auth-token)",
    )
    .option("--json", "print the list as JSON")
    .addHelpText(
      "after",
      `
Examples:
  $ codetether peers
  $ codetether peers --url http://127.0.0.1:4100 --token s3cret
  $ codetether peers --json | jq '.agents[] | select(.remote) | .name'`,
    )
    .action(async (options, command: Command) => {
      const { peersAction } = await import("../peers/peers-action.ts");
      await peersAction({ ...command.optsWithGlobals(), ...options });
    });
}
