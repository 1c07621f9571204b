import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { peerSeeds } from "../../peers/seeds.ts";
import { startPeer, type RunningPeer } from "../../app/start-peer.ts";
import { UserError } from "../../contracts/errors.ts";
import { version } from "../../version.ts";
import { painter, printJson } from "../output.ts";
import { closeOnSignals, grpcPortFromEnv, tokenLine, workspaceDir } from "../serve/server-process.ts";

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
  const workspace = workspaceDir(options.workspace);
  const log = (line: string) => process.stderr.write(`codetether spawn ${options.name}: ${line}\n`);
  const peer = await startPeer({
    config,
    dataDir: dataDir(),
    workspace,
    name: options.name,
    description: options.description,
    hostname: options.hostname,
    port: options.port,
    // A spawned peer takes any free gRPC port unless told, so several run beside a `serve` on 50051.
    grpcPort: grpcPortFromEnv(0),
    modelRef: options.model,
    seeds: peerSeeds(options.peer),
    peerToken: options.peerToken,
    discoveryIntervalMs: options.discoveryInterval * 1000,
    log,
  }).catch((error: Error) => {
    throw error instanceof UserError ? error : new UserError(error.message);
  });
  announce(peer, options);
  closeOnSignals(() => peer.close());
}

function announce({ serve, discovery, dataDir }: RunningPeer, options: SpawnCliOptions): void {
  const { auth } = serve;
  const peers = discovery.table.list().map((entry) => ({ seed: entry.seed, state: entry.state, name: entry.name }));
  if (options.json) {
    printJson({
      event: "listening",
      name: options.name,
      version,
      http: serve.httpUrl,
      jsonrpc: serve.jsonRpcUrl,
      grpc: serve.grpcAddress,
      card: serve.cardUrl,
      dataDir,
      tokenSource: auth.source,
      token: auth.source === "generated" ? auth.token : undefined,
      peers,
    });
    return;
  }
  const paint = painter(process.stdout);
  const live = peers.filter((p) => p.state === "live").map((p) => p.name);
  process.stdout.write(
    [
      `${paint("bold", `codetether spawn ${options.name}`)} ${version}`,
      `  A2A JSON-RPC  ${serve.jsonRpcUrl}`,
      `  A2A gRPC      ${serve.grpcAddress}`,
      `  agent card    ${serve.cardUrl}`,
      `  auth token    ${tokenLine(auth, paint)}`,
      `  peers         ${peers.length === 0 ? "none configured" : `${live.length}/${peers.length} live${live.length ? `: ${live.join(", ")}` : ""}`}`,
      "",
    ].join("\n"),
  );
}
