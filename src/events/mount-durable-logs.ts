import { auditRequests } from "../audit/http-audit.ts";
import { createAuditRouter } from "../audit/http-router.ts";
import type { RequestHandler } from "express";
import { createEventsRouter } from "./http-router.ts";
import { processRecorder, type SessionRecorder } from "./recorder.ts";

/** The part of serve's app this needs (see src/server/app.ts). */
interface MountSeam {
  mount(path: string, ...handlers: RequestHandler[]): void;
  mountPublic(path: string, ...handlers: RequestHandler[]): void;
}

/**
 * Serve's durable logs in one call, made right after the app is created: every API call is audited
 * (mounted first and before authentication, so refused calls count too), and `GET /v1/events`,
 * `GET /v1/audit/events`, `POST /v1/audit/query` are mounted behind auth. Returns the process's
 * recorder (flush it on shutdown).
 */
export async function mountDurableLogs(server: MountSeam, dataDir: string): Promise<SessionRecorder> {
  const recorder = await processRecorder(dataDir);
  server.mountPublic("/", auditRequests((record) => recorder.recordAudit(record)));
  server.mount("/v1/events", createEventsRouter({ dataDir }));
  server.mount("/v1/audit", createAuditRouter({ dataDir }));
  return recorder;
}
