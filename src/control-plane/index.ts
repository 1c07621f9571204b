// The worker control plane of `serve`: mount `router` behind the bearer check, hand `dispatcher` to the
// A2A executor, `close()` on shutdown.
import type { Router } from "express";
import type { Config } from "../config/schema.ts";
import type { SharedDatabase } from "../postgres/shared-database.ts";
import { controlPlaneSettings } from "./config.ts";
import { ControlPlane } from "./control-plane.ts";
import { TaskDispatcher } from "./dispatcher.ts";
import type { ControlPlaneFeed } from "./feed.ts";
import { controlPlaneRouter } from "./routes.ts";
import { SqliteControlPlaneStore } from "./sqlite-store.ts";
import type { ControlPlaneStore } from "./store.ts";

export { controlPlaneKeys, controlPlaneSettings, type ControlPlaneSettings, type DispatchMode } from "./config.ts";
export { ControlPlane, type TaskNews } from "./control-plane.ts";
export { TaskDispatcher } from "./dispatcher.ts";
export type { Claim, TaskInput, TaskRecord, TaskStatus, WorkerRecord } from "./types.ts";

/** Worker streams of a replica also look for other replicas' offers this often (a lost notice is found then). */
const OFFER_POLL_MS = 2000;

export interface ControlPlaneService {
  plane: ControlPlane;
  router: Router;
  dispatcher: TaskDispatcher;
  close(): Promise<void>;
}

/** On the shared PostgreSQL database when serve has one (replicas are one queue), else in the data dir's SQLite. */
export async function createControlPlane(options: {
  config: Config;
  dataDir: string;
  database?: SharedDatabase;
  log?: (line: string) => void;
}): Promise<ControlPlaneService> {
  const settings = controlPlaneSettings(options.config);
  const { store, feed } = await openStore(options);
  const plane = await ControlPlane.open({ store, settings, feed, log: options.log });
  return {
    plane,
    router: controlPlaneRouter(plane),
    dispatcher: new TaskDispatcher(plane, settings.dispatch),
    close: () => plane.close(),
  };
}

async function openStore(options: {
  dataDir: string;
  database?: SharedDatabase;
  log?: (line: string) => void;
}): Promise<{ store: ControlPlaneStore; feed?: ControlPlaneFeed }> {
  const { database } = options;
  if (!database) return { store: new SqliteControlPlaneStore(options.dataDir) };
  const [{ PostgresControlPlaneStore }, { PostgresFeed }] = await Promise.all([
    import("./postgres-store.ts"),
    import("./postgres-feed.ts"),
  ]);
  const feed = await PostgresFeed.open(database.pool, { pollMs: OFFER_POLL_MS, log: options.log ?? (() => undefined) });
  return { store: new PostgresControlPlaneStore(database.pool, database.lease.id), feed };
}
