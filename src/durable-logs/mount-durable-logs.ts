import { auditRequests } from "../audit/http-audit.ts";
import { createAuditRouter } from "../audit/http-router.ts";
import { aggregateRefusals, type ApiAuditSink } from "../audit/refusal-audit.ts";
import type { RequestHandler } from "express";
import { createEventsRouter } from "../events/http-router.ts";
import type { SessionRecorder } from "./recorder.ts";

/** The part of serve's app this needs (see src/server/app.ts). */
interface MountSeam {
  mount(path: string, ...handlers: RequestHandler[]): void;
  mountPublic(path: string, ...handlers: RequestHandler[]): void;
}

/**
 * Serve's durable logs in one call, made right after the app is created: every API call is audited
 * (mounted first and before authentication, so refused calls count too, aggregated per source and
 * second), and `GET /v1/events`, `GET /v1/audit/events`, `POST /v1/audit/query` are mounted behind auth;
 * `recorder` is serve's writer. Returns the API audit sink (for gRPC and refusals outside the app),
 * `settled`, which waits until every call seen has been recorded, and `flush`, which writes the refusals
 * still being counted (call both, in that order, before closing the recorder).
 */
export function mountDurableLogs(
  server: MountSeam,
  recorder: SessionRecorder,
  dataDir: string,
): ApiAuditSink & { flush(): void; settled(): Promise<void> } {
  const sink = aggregateRefusals((record) => recorder.recordAudit(record));
  const requests = auditRequests(sink);
  server.mountPublic("/", requests);
  // The routers read through the indexes, which this process's writer fills in batches: it indexes first.
  const beforeRead = () => recorder.indexNow();
  server.mount("/v1/events", createEventsRouter({ dataDir, beforeRead }));
  server.mount("/v1/audit", createAuditRouter({ dataDir, beforeRead }));
  return { ...sink, settled: requests.settled };
}
