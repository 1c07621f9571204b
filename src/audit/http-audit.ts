import type { RequestHandler } from "express";
import { apiActor } from "./actor.ts";
import { auditedPath, type ApiAuditSink } from "./refusal-audit.ts";

/** Paths polled by probes: recording each poll would bury the real calls. */
const NOT_AUDITED = new Set(["/health"]);

/** Answers that refuse a caller rather than serve it (unauthenticated, forbidden, too large, over a cap). */
const REFUSED_HTTP = new Set([401, 403, 408, 413, 429, 431, 503]);

/**
 * Express middleware recording every API call once its response is sent (or the client went away):
 * actor, method, path (never the query string, cut to 256 bytes), status; refused calls go to the sink's
 * aggregation. Mount it before authentication so refused calls are recorded too:
 * `mountPublic("/", auditRequests(sink))`.
 */
export function auditRequests(sink: ApiAuditSink): RequestHandler & { settled(): Promise<void> } {
  let open = 0;
  const wake: Array<() => void> = [];
  const handler: RequestHandler = (req, res, next) => {
    if (NOT_AUDITED.has(req.path)) return next();
    const started = performance.now();
    const path = auditedPath(req.originalUrl.split("?")[0]!);
    open++;
    const done = () => {
      res.off("finish", done);
      res.off("close", done);
      if (--open === 0) for (const resolve of wake.splice(0)) resolve();
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client closed before the answer
      const input = {
        actor: apiActor(req.headers.authorization, status !== 401, req.socket.remoteAddress),
        action: "api.http",
        resource: path,
        status: String(status),
        details: { method: req.method, duration_ms: Math.round(performance.now() - started) },
      };
      if (REFUSED_HTTP.has(status)) sink.refused(input);
      else sink.record(input);
    };
    res.on("finish", done);
    res.on("close", done);
    next();
  };
  /**
   * Resolves once every call seen so far has been recorded. A response whose socket was destroyed closes
   * some turns of the loop later (a worker's task stream at shutdown): a shutdown waits for it before
   * closing the audit log.
   */
  const settled = () => (open === 0 ? Promise.resolve() : new Promise<void>((resolve) => wake.push(resolve)));
  return Object.assign(handler, { settled });
}
