import { randomUUID } from "node:crypto";
import type { Config } from "../../config/schema.ts";
import { storageSection } from "../../postgres/config.ts";

/** The agent id of serve on the bus when it owns its data dir alone (the SQLite mode). */
export const SERVE_AGENT_ID = "serve";

/**
 * This process's replica id when `[storage] url` / `CODETETHER_DATABASE_URL` is set: its lease in the
 * database, its name on the bus and in the durable logs. New each start, as a lease must be. Undefined
 * in the SQLite mode.
 */
export function newReplicaId(config: Config, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return storageSection(config, env).url ? randomUUID() : undefined;
}

/**
 * The agent id serve joins the bus under: `serve` alone, `serve-<first 8 hex digits of the replica id>`
 * for a replica, since replicas share one NATS and each needs an inbox (`agent.{id}`) of its own.
 */
export function serveAgentId(replicaId: string | undefined): string {
  return replicaId ? `${SERVE_AGENT_ID}-${replicaId.replaceAll("-", "").slice(0, 8)}` : SERVE_AGENT_ID;
}
