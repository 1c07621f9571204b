import { Command, InvalidArgumentError } from "commander";

export function serveCommand(): Command {
  return new Command("serve")
    .description("Serve this agent over A2A (JSON-RPC, REST, gRPC; spec 1.0 and 0.3) with mandatory bearer auth")
    .option("-p, --port <port>", "HTTP port (JSON-RPC at /a2a, REST at /a2a/rest, agent card, /health)", parsePort, 4096)
    .option("--hostname <host>", "address to listen on", "127.0.0.1")
    .option("--grpc-port <port>", "gRPC port (default: $CODETETHER_GRPC_PORT or 50051)", parsePort)
    .option("--workspace <dir>", "directory the agent works in (default: the current directory)")
    .option("-m, --model <provider/model>", "model for tasks (default: the config's)")
    .option("--json", "print the endpoints as one JSON line once listening")
    .addHelpText(
      "after",
      `
Every route needs "Authorization: Bearer <token>" except /health and the agent card
(/.well-known/agent-card.json, /.well-known/agent.json). The token is $CODETETHER_AUTH_TOKEN, else one
generated on first start, printed once and kept in <data dir>/auth-token (mode 0600).

Examples:
  $ codetether serve
  $ codetether serve --port 8080 --hostname 0.0.0.0 --grpc-port 9090 --workspace ~/src/app
  $ CODETETHER_AUTH_TOKEN=secret codetether serve --json`,
    )
    .action(async (options, command: Command) => {
      const { serveAction } = await import("../serve/serve-action.ts");
      await serveAction({ ...command.optsWithGlobals(), ...options });
    });
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`must be a port number (0-65535), got '${value}'`);
  return n;
}
