import type { BusHandle } from "../bus/bus-handle.ts";
import { dataDir } from "../config/paths.ts";
import { PeerDiscovery } from "./discovery.ts";
import type { LivePeer } from "./peer-table.ts";
import { resolvePeerToken } from "./peer-token.ts";
import { peerSeeds } from "./seeds.ts";

/** The peers an agent may hire (the `a2a` tool's view of discovery). */
export interface PeerDirectory {
  /** Peers answering now. */
  livePeers(): Promise<LivePeer[]>;
  /** The bearer token presented to peers. */
  token: string | undefined;
  /** When the agent has a bus: delegated tasks' progress is mirrored on `task.{id}`. */
  bus?: BusHandle;
}

export interface DirectoryOptions {
  token: string | undefined;
  bus?: BusHandle;
  /** Rounds older than this are redone before answering (a running loop keeps it fresh anyway). */
  maxAgeMs?: number;
}

export function discoveryDirectory(discovery: PeerDiscovery, options: DirectoryOptions): PeerDirectory {
  return {
    token: options.token,
    bus: options.bus,
    async livePeers() {
      await discovery.refreshIfOlder(options.maxAgeMs ?? Number.POSITIVE_INFINITY);
      return discovery.table.live();
    },
  };
}

/**
 * The directory over `CODETETHER_A2A_PEERS` (cards fetched when the tool asks, at most every 30 s), or
 * undefined when the variable names no peer. Front ends pass it to the agent factory.
 */
export function peersFromEnv(env: NodeJS.ProcessEnv = process.env): PeerDirectory | undefined {
  const raw = env.CODETETHER_A2A_PEERS?.trim();
  if (!raw) return undefined;
  const discovery = new PeerDiscovery({ seeds: peerSeeds([], { CODETETHER_A2A_PEERS: raw }), maxFailures: 1 });
  return discoveryDirectory(discovery, { token: resolvePeerToken({ dataDir: dataDir(env), env }), maxAgeMs: 30_000 });
}
