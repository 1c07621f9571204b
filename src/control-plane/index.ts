// The worker control plane of `serve`: mount `router` behind the bearer check, hand `dispatcher` to the
// A2A executor, `close()` on shutdown.
import type { Router } from "express";
import type { Config } from "../config/schema.ts";
import { controlPlaneSettings } from "./config.ts";
import { ControlPlane } from "./control-plane.ts";
import { TaskDispatcher } from "./dispatcher.ts";
import { controlPlaneRouter } from "./routes.ts";

export { controlPlaneKeys, controlPlaneSettings, type ControlPlaneSettings, type DispatchMode } from "./config.ts";
export { ControlPlane, type TaskNews } from "./control-plane.ts";
export { TaskDispatcher } from "./dispatcher.ts";
export type { Claim, TaskInput, TaskRecord, TaskStatus, WorkerRecord } from "./types.ts";

export interface ControlPlaneService {
  plane: ControlPlane;
  router: Router;
  dispatcher: TaskDispatcher;
  close(): void;
}

export function createControlPlane(options: { config: Config; dataDir: string }): ControlPlaneService {
  const settings = controlPlaneSettings(options.config);
  const plane = new ControlPlane({ dataDir: options.dataDir, settings });
  return { plane, router: controlPlaneRouter(plane), dispatcher: new TaskDispatcher(plane, settings.dispatch), close: () => plane.close() };
}
