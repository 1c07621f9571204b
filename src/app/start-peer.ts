import { join } from "node:path";
import { openAgentNode, type AgentNode } from "../bus/agent-node.ts";
import type { Config } from "../config/schema.ts";
import { discoveryDirectory } from "../peers/directory.ts";
import { PeerDiscovery } from "../peers/discovery.ts";
import { registerOwnCard } from "../peers/peer-card.ts";
import { resolvePeerToken } from "../peers/peer-token.ts";
import { resolveAuthToken } from "../server/auth-token.ts";
import { startServe, type ServeHandle } from "./serve/serve.ts";
import { UserError } from "../contracts/errors.ts";

export interface PeerOptions {
  config: Config;
  /** The data directory; the peer keeps its own state (tasks, sessions, token, audit) under `peers/<name>`. */
  dataDir: string;
  workspace: string;
  name: string;
  description?: string;
  hostname: string;
  port: number;
  grpcPort: number;
  modelRef?: string;
  seeds: string[];
  /** Presented to peers; else CODETETHER_PEER_TOKEN, else this peer's own token. */
  peerToken?: string;
  discoveryIntervalMs?: number;
  log: (line: string) => void;
}

export interface RunningPeer {
  serve: ServeHandle;
  node: AgentNode;
  discovery: PeerDiscovery;
  dataDir: string;
  close(): Promise<void>;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `codetether spawn`: the serve stack under the peer's own card name, registered on the local bus, with
 * a discovery loop over the seed peers whose live members enter the registry (and the `a2a` tool).
 */
export async function startPeer(options: PeerOptions): Promise<RunningPeer> {
  const { name, log } = options;
  if (!NAME.test(name)) throw new UserError(`invalid --name '${name}': use 1-64 letters, digits, '-' or '_'`);
  const dataDir = join(options.dataDir, "peers", name);
  const ownToken = resolveAuthToken(dataDir).token;
  const node = await openAgentNode(options.config, name);
  const discovery = new PeerDiscovery({
    seeds: options.seeds,
    registry: node.registry,
    selfName: name,
    intervalMs: options.discoveryIntervalMs,
    onChange: (change) =>
      log(
        change.type === "live"
          ? `peer ${change.name} is live (${change.seed})`
          : `peer ${change.name ?? change.seed} dropped: ${change.error}`,
      ),
  });
  // The peers this peer's tasks may hire: its live discovery (the `a2a` tool is offered only with seeds).
  const peers =
    options.seeds.length > 0
      ? discoveryDirectory(discovery, {
          token: resolvePeerToken({ explicit: options.peerToken }) ?? ownToken,
          bus: node.handle,
        })
      : undefined;
  let serve: ServeHandle;
  try {
    serve = await startServe({
      config: options.config,
      dataDir,
      workspace: options.workspace,
      hostname: options.hostname,
      port: options.port,
      grpcPort: options.grpcPort,
      modelRef: options.modelRef,
      identity: { name, description: options.description ?? `CodeTether peer ${name}` },
      bus: node.handle,
      peers,
      routes: [node.mount],
      log,
    });
  } catch (error) {
    await node.close();
    throw error;
  }
  await registerOwnCard(node.registry, serve.jsonRpcUrl);
  await discovery.start();
  return {
    serve,
    node,
    discovery,
    dataDir,
    close: async () => {
      discovery.stop();
      await serve.close();
      await node.close();
    },
  };
}
