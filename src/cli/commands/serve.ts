import { Command } from "commander";
import { loadCommand } from "../code-cache.ts";
import { parsePort } from "../option-parsers.ts";
import { startLean } from "../../util/lean-start.ts";

export function serveCommand(): Command {
  return new Command("serve")
    .description("Serve this agent over A2A (JSON-RPC, REST, gRPC; spec 1.0 and 0.3) with mandatory bearer auth")
    .option(
      "-p, --port <port>",
      "HTTP port (JSON-RPC at /a2a, REST at /a2a/rest, agent card, /health)",
      parsePort,
      4096,
    )
    .option("--hostname <host>", "address to listen on", "127.0.0.1")
    .option("--grpc-port <port>", "gRPC port (default: $CODETETHER_GRPC_PORT or 50051)", parsePort)
    .option("--workspace <dir>", "directory the agent works in (default: the current directory)")
    .option("-m, --model <provider/model>", "model for tasks (default: the config's)")
    .option("--json", "print the endpoints as one JSON line once listening")
    .addHelpText(
      "after",
      `
Every route needs "Authorization: Bearer <token>" except /health and the agent card
(/.well-known/agent-card.json: spec 1.0; /.well-known/agent.json: spec 0.3; A2A-Version picks either). The token is $CODETETHER_AUTH_TOKEN, else one
generated on first start, printed once and kept in <data dir>/auth-token (mode 0600).

Cognition: POST /v1/cognition/start|stop, GET /v1/cognition/status|stream|snapshots/latest, POST
/v1/swarm/personas[/{id}/spawn|reap], GET /v1/swarm/lineage; the thinker is -m unless
CODETETHER_COGNITION_THINKER_MODEL (or [cognition]) names one; CODETETHER_COGNITION_AUTO_START=true starts the loop.

A2A tasks, push configs, the push outbox and contexts' sessions are kept in <data dir>/codetether.db, or in
PostgreSQL with CODETETHER_DATABASE_URL (or [storage] url), migrated at start and shared by every serve using it
(a context's next turn may run on any replica; a replica's tasks fail, and its queued pushes go out from
another, once its lease lapses, [storage] lease_secs, default 30); every other store stays in the data dir.

Examples:
  $ codetether serve
  $ codetether serve --port 8080 --hostname 0.0.0.0 --grpc-port 9090 --workspace ~/src/app
  $ CODETETHER_AUTH_TOKEN=secret codetether serve --json
  $ CODETETHER_DATABASE_URL=postgres://codetether@db:5432/codetether codetether serve
  $ CODETETHER_COGNITION_AUTO_START=true CODETETHER_COGNITION_THINKER_MODEL=openai/gpt-4o-mini codetether serve`,
    )
    .action(async (options, command: Command) => {
      // Start-up is a burst of one-off code: compiled lean (loadBundle starts the bundle so), serve idles ~11 MiB smaller.
      const { serveAction } = await loadCommand("serve", () => (startLean(), import("../serve/serve-action.ts")));
      await serveAction({ ...command.optsWithGlobals(), ...options });
    });
}
