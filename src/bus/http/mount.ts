import type { ServerApp } from "../../server/app.ts";
import type { AgentBus } from "../agent-bus.ts";
import type { AgentRegistry } from "../agent-registry.ts";
import { agentsRouter } from "./agents-router.ts";
import { busRouter, type BusRouterOptions } from "./bus-router.ts";

export interface BusRoutesOptions extends BusRouterOptions {
  bus: AgentBus;
  registry: AgentRegistry;
}

/** The bus and registry APIs of `serve`/`spawn`, behind bearer auth: `/v1/bus/{stream,publish}` and `/v1/agents`. */
export function mountBusRoutes(server: Pick<ServerApp, "mount">, options: BusRoutesOptions): void {
  server.mount("/v1/bus", busRouter(options.bus, options));
  server.mount("/v1/agents", agentsRouter(options.registry));
}
