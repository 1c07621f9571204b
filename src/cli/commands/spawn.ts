import { Command } from "commander";
import { collect, parsePort, parseSeconds } from "../option-parsers.ts";

export function spawnCommand(): Command {
  return new Command("spawn")
    .description("Start a standalone A2A peer under its own name that discovers other peers and can hire them")
    .requiredOption("--name <name>", "the peer's name: its card name and bus agent id (letters, digits, - and _)")
    .option("-p, --port <port>", "HTTP port (0: any free port)", parsePort, 0)
    .option("--hostname <host>", "address to listen on", "127.0.0.1")
    .option("--peer <url>", "a peer to discover (repeatable; also $CODETETHER_A2A_PEERS, comma-separated)", collect, [])
    .option(
      "--peer-token <token>",
      "bearer token presented to peers (default: $CODETETHER_PEER_TOKEN, else this peer's own token)",
    )
    .option("--description <text>", "the description on the peer's card")
    .option(
      "--discovery-interval <seconds>",
      "how often peers' cards are fetched; a peer missing 3 in a row is dropped",
      parseSeconds,
      10,
    )
    .option("--workspace <dir>", "directory the agent works in (default: the current directory)")
    .option("-m, --model <provider/model>", "model for tasks (default: the config's)")
    .option("--json", "print the endpoints as one JSON line once listening (peer changes go to stderr)")
    .addHelpText(
      "after",
      `
The peer serves A2A like 'codetether serve' (JSON-RPC at /a2a, REST, gRPC on $CODETETHER_GRPC_PORT or a
free port), plus /v1/agents and /v1/bus/{stream,publish}. Its state (tasks, sessions, audit trail and,
unless $CODETETHER_AUTH_TOKEN is set, its token) lives in <data dir>/peers/<name>. Peers' cards are public;
hiring a peer needs its token: give --peer-token or $CODETETHER_PEER_TOKEN, or start every peer with one
shared $CODETETHER_AUTH_TOKEN. Live peers are listed by 'codetether peers' and offered to the model as
the a2a tool.

Examples:
  $ codetether spawn --name planner --peer http://localhost:4096/a2a
  $ CODETETHER_AUTH_TOKEN=s3cret codetether spawn --name reviewer --port 4100 --peer http://localhost:4101
  $ CODETETHER_A2A_PEERS=http://10.0.0.5:4096,http://10.0.0.6:4096 codetether spawn --name fixer --json`,
    )
    .action(async (options, command: Command) => {
      const { spawnAction } = await import("../spawn/spawn-action.ts");
      await spawnAction({ ...command.optsWithGlobals(), ...options });
    });
}
