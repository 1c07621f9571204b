import type { ServerApp } from "../server/app.ts";
import type { AgentBus } from "./agent-bus.ts";
import { AgentRegistry } from "./agent-registry.ts";
import { createBusHandle, type BusHandle } from "./bus-handle.ts";
import { busOptionsFrom, createBus } from "./create-bus.ts";
import { mountBusRoutes } from "./http/mount.ts";

/** How often a server's registry restates its agents on the bus (others drop them after three silent intervals). */
export const NODE_HEARTBEAT_MS = 5_000;

/** A server process's place on the bus: the bus, its registry, its own handle, and the HTTP routes over them. */
export interface AgentNode {
  bus: AgentBus;
  registry: AgentRegistry;
  /** The server agent's handle (`agent.{id}`; its tasks' events go on `task.{id}`). */
  handle: BusHandle;
  /** Mounts `/v1/bus/stream`, `/v1/bus/publish` and `/v1/agents` behind the server's auth. */
  mount(server: Pick<ServerApp, "mount">): void;
  close(): Promise<void>;
}

/** Opens the bus the config names (`CODETETHER_BUS_URL` / `[bus] url`, else in-process) for the agent `agentId`. */
export async function openAgentNode(
  config: { readonly [section: string]: unknown },
  agentId: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentNode> {
  const bus = await createBus(busOptionsFrom(config, env));
  const registry = new AgentRegistry(bus, { heartbeatMs: NODE_HEARTBEAT_MS });
  const handle = createBusHandle(bus, agentId);
  return {
    bus,
    registry,
    handle,
    mount: (server) => mountBusRoutes(server, { bus, registry }),
    close: async () => {
      handle.close();
      registry.close();
      await bus.close();
    },
  };
}
