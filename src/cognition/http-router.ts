import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import type { z } from "zod";
import { apiActor } from "../audit/actor.ts";
import type { AuditInput } from "../audit/audit-record.ts";
import { auditedPath } from "../audit/refusal-audit.ts";
import { sendHttpError, statusOfError } from "../contracts/http-error.ts";
import { lastEventId, SseResponse } from "../control-plane/sse.ts";
import type { CognitionEngine } from "./engine.ts";
import { CognitionError } from "./errors.ts";
import { createPersonaSchema, reapSchema, spawnPersonaSchema, startSchema, stopSchema } from "./types.ts";

export interface CognitionRoutesOptions {
  engine: CognitionEngine;
  enabled: boolean;
  audit?: (input: AuditInput) => void;
  /** Comment lines on an idle stream so proxies keep it open (default 15 s). */
  keepAliveMs?: number;
}

/**
 * `/v1/cognition/{start,stop,status,stream,snapshots/latest}` and `/v1/swarm/{personas,lineage}`, with
 * absolute paths: mount at `/` behind the bearer check. Every mutation is audited (`cognition.*`).
 */
export function cognitionRouter(options: CognitionRoutesOptions): Router {
  const { engine } = options;
  const router = express.Router();
  const json = express.json({ limit: "64kb" });
  const mutation = (name: string, handler: (req: Request, res: Response) => Promise<unknown> | unknown) => [
    json,
    async (req: Request, res: Response) => {
      const record = (status: string, details: Record<string, unknown>) =>
        options.audit?.({
          actor: apiActor(req.headers.authorization, true, req.socket.remoteAddress),
          action: `cognition.${name}`,
          resource: auditedPath(req.originalUrl.split("?")[0]!),
          status,
          details,
        });
      try {
        if (!options.enabled)
          throw new CognitionError(
            409,
            "cognition is disabled (CODETETHER_COGNITION_ENABLED=false or [cognition] enabled = false)",
          );
        const body = await handler(req, res);
        record("ok", {});
        res.json(body);
      } catch (error) {
        if (!(error instanceof CognitionError)) throw error;
        record(String(error.status), { message: error.message });
        sendHttpError(res, error.status, error.message);
      }
    },
  ];

  router.post(
    "/v1/cognition/start",
    ...mutation("start", (req) => {
      engine.start(parse(startSchema, req.body, true));
      return engine.status();
    }),
  );
  router.post(
    "/v1/cognition/stop",
    ...mutation("stop", async (req) => {
      const { reason } = parse(stopSchema, req.body, true);
      await engine.stop();
      return { ...engine.status(), reason: reason ?? null };
    }),
  );
  router.get("/v1/cognition/status", (_req, res) => void res.json(engine.status()));
  router.get("/v1/cognition/snapshots/latest", (_req, res) => {
    const snapshot = engine.latestSnapshot();
    if (!snapshot) return sendHttpError(res, 404, "no memory snapshot yet: start the loop (POST /v1/cognition/start)");
    res.json(snapshot);
  });
  router.get("/v1/cognition/stream", (req, res) => {
    const after = lastEventId(req, (message) => new CognitionError(400, message));
    const sse = new SseResponse(res, options.keepAliveMs ?? 15_000);
    // Replay and subscribe in one synchronous turn: no event can fall between them.
    for (const { seq, event } of engine.events.after(after)) sse.event(event.event_type, event, seq);
    const unsubscribe = engine.events.subscribe(({ seq, event }) => sse.event(event.event_type, event, seq));
    sse.onClose(unsubscribe);
  });

  router.post(
    "/v1/swarm/personas",
    ...mutation("persona_create", (req) => ({
      persona: engine.createPersona(parse(createPersonaSchema, req.body)),
    })),
  );
  router.post(
    "/v1/swarm/personas/:id/spawn",
    ...mutation("persona_spawn", (req) => ({
      persona: engine.spawn(String(req.params.id), parse(spawnPersonaSchema, req.body, true)),
    })),
  );
  router.post(
    "/v1/swarm/personas/:id/reap",
    ...mutation("persona_reap", (req) => {
      const { cascade, reason } = parse(reapSchema, req.body, true);
      const reaped = engine.reap(String(req.params.id), cascade, reason ?? "reaped by request");
      return { reaped_ids: reaped, count: reaped.length };
    }),
  );
  router.get("/v1/swarm/lineage", (_req, res) => void res.json(engine.personas.lineage()));
  router.use(cognitionErrors);
  return router;
}

/** The body checked against `schema`; no body counts as `{}` where every field is optional. */
function parse<T extends z.ZodType>(schema: T, body: unknown, emptyAllowed = false): z.infer<T> {
  if (body === undefined && !emptyAllowed)
    throw new CognitionError(400, "the request body must be a JSON object (Content-Type: application/json)");
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body)))
    throw new CognitionError(400, "the request body must be a JSON object");
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") throw new CognitionError(400, `unknown field '${issue.keys.join("', '")}'`);
  const field = issue.path.map(String).join(".") || "body";
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined"))
    throw new CognitionError(400, `missing field '${field}'`);
  throw new CognitionError(400, `invalid '${field}': ${issue.message}`);
}

const cognitionErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof CognitionError) return sendHttpError(res, error.status, error.message);
  if (statusOfError(error) === 400 && (error as { type?: string }).type === "entity.parse.failed")
    return sendHttpError(res, 400, "the request body is not valid JSON");
  next(error);
};
