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

// One per process: `spawn` installs its live discovery; otherwise CODETETHER_A2A_PEERS is read on demand.
let installed: PeerDirectory | undefined;
let fromEnv: { seeds: string; directory: PeerDirectory } | undefined;

/** Makes `directory` the one the `a2a` tool uses (spawn's discovery loop); undefined uninstalls. */
export function installPeerDirectory(directory: PeerDirectory | undefined): void {
  installed = directory;
}

/** True when this process has peers to offer the model: the tool is only registered then. */
export function peersConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return installed !== undefined || Boolean(env.CODETETHER_A2A_PEERS?.trim());
}

/** The installed directory, else one over `CODETETHER_A2A_PEERS` (cards fetched when asked, at most every 30 s). */
export function activePeerDirectory(env: NodeJS.ProcessEnv = process.env): PeerDirectory | undefined {
  if (installed) return installed;
  const raw = env.CODETETHER_A2A_PEERS?.trim();
  if (!raw) return undefined;
  if (fromEnv?.seeds !== raw) {
    const discovery = new PeerDiscovery({ seeds: peerSeeds([], { CODETETHER_A2A_PEERS: raw }), maxFailures: 1 });
    fromEnv = { seeds: raw, directory: discoveryDirectory(discovery, { token: resolvePeerToken({ dataDir: dataDir(env), env }), maxAgeMs: 30_000 }) };
  }
  return fromEnv.directory;
}
