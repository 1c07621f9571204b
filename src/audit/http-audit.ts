import type { RequestHandler } from "express";
import { apiActor } from "./actor.ts";
import type { AuditInput } from "./audit-record.ts";

/** Paths polled by probes: recording each poll would bury the real calls. */
const NOT_AUDITED = new Set(["/health"]);

/**
 * Express middleware recording every API call once its response is sent (or the client went away):
 * actor, method, path (never the query string), status. Mount it before authentication so refused
 * calls are recorded too: `mountPublic("/", auditRequests((r) => recorder.recordAudit(r)))`.
 */
export function auditRequests(record: (input: AuditInput) => void): RequestHandler {
  return (req, res, next) => {
    if (NOT_AUDITED.has(req.path)) return next();
    const started = performance.now();
    const path = req.originalUrl.split("?")[0]!;
    const done = () => {
      res.off("finish", done);
      res.off("close", done);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client closed before the answer
      record({
        actor: apiActor(req.headers.authorization, status !== 401, req.socket.remoteAddress),
        action: "api.http",
        resource: path,
        status: String(status),
        details: { method: req.method, duration_ms: Math.round(performance.now() - started) },
      });
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
}
