import { statSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { peerSeeds } from "../../peers/seeds.ts";
import { startPeer, type RunningPeer } from "../../spawn/start-peer.ts";
import { UserError } from "../../util/errors.ts";
import { version } from "../../version.ts";
import { parsePort } from "../commands/serve.ts";
import { painter, printJson } from "../output.ts";

export interface SpawnCliOptions {
  config?: string;
  name: string;
  port: number;
  hostname: string;
  peer: string[];
  peerToken?: string;
  description?: string;
  discoveryInterval: number;
  workspace?: string;
  model?: string;
  json?: boolean;
}

/** `codetether spawn`: runs until SIGINT/SIGTERM, then leaves the bus and shuts down (a second signal forces it). */
export async function spawnAction(options: SpawnCliOptions): Promise<void> {
  const { config } = loadConfig(options.config);
  const workspace = resolve(options.workspace ?? process.cwd());
  if (!statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`workspace is not a directory: ${workspace}`);
  const log = (line: string) => process.stderr.write(`codetether spawn ${options.name}: ${line}\n`);
  const peer = await startPeer({
    config,
    dataDir: dataDir(),
    workspace,
    name: options.name,
    description: options.description,
    hostname: options.hostname,
    port: options.port,
    grpcPort: grpcPortFromEnv(),
    modelRef: options.model,
    seeds: peerSeeds(options.peer),
    peerToken: options.peerToken,
    discoveryIntervalMs: options.discoveryInterval * 1000,
    log,
  }).catch((error: Error) => {
    throw error instanceof UserError ? error : new UserError(error.message);
  });
  announce(peer, options);

  let signals = 0;
  const stop = () => {
    if (++signals > 1) process.exit(130);
    peer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** A spawned peer takes any free gRPC port unless told, so several run beside a `serve` on 50051. */
function grpcPortFromEnv(): number {
  const value = process.env.CODETETHER_GRPC_PORT;
  if (!value) return 0;
  try {
    return parsePort(value);
  } catch (error) {
    throw new UserError(`CODETETHER_GRPC_PORT ${(error as Error).message}`);
  }
}

function announce({ serve, discovery, dataDir }: RunningPeer, options: SpawnCliOptions): void {
  const { auth } = serve;
  const peers = discovery.table.list().map((entry) => ({ seed: entry.seed, state: entry.state, name: entry.name }));
  if (options.json) {
    printJson({ event: "listening", name: options.name, version, http: serve.httpUrl, jsonrpc: serve.jsonRpcUrl, grpc: serve.grpcAddress, card: serve.cardUrl, dataDir, tokenSource: auth.source, token: auth.source === "generated" ? auth.token : undefined, peers });
    return;
  }
  const paint = painter(process.stdout);
  const tokenLine = auth.source === "env" ? "from $CODETETHER_AUTH_TOKEN" : auth.source === "file" ? `in ${auth.path}` : `${paint("bold", auth.token)}  (new; shown once, saved to ${auth.path})`;
  const live = peers.filter((p) => p.state === "live").map((p) => p.name);
  process.stdout.write(
    [
      `${paint("bold", `codetether spawn ${options.name}`)} ${version}`,
      `  A2A JSON-RPC  ${serve.jsonRpcUrl}`,
      `  A2A gRPC      ${serve.grpcAddress}`,
      `  agent card    ${serve.cardUrl}`,
      `  auth token    ${tokenLine}`,
      `  peers         ${peers.length === 0 ? "none configured" : `${live.length}/${peers.length} live${live.length ? `: ${live.join(", ")}` : ""}`}`,
      "",
    ].join("\n"),
  );
}
