import { randomUUID } from "node:crypto";
import type { AgentEvent } from "../agent/events.ts";
import express, { type ErrorRequestHandler, type Request, type Router } from "express";
import { sendHttpError, statusOfError } from "../server/http-error.ts";
import type { ControlPlane } from "./control-plane.ts";
import { ControlPlaneError } from "./errors.ts";
import { workerServes } from "./matching.ts";
import { claimBody, heartbeatBody, outputBody, parseBody, registerBody, releaseBody, taskBody } from "./requests.ts";
import { SseResponse } from "./sse.ts";
import type { TaskOffer, TaskStatus } from "./types.ts";

const TASK_STATUSES: readonly TaskStatus[] = ["pending", "running", "completed", "failed", "cancelled"];

/**
 * The worker protocol and task queue over HTTP. Paths are absolute: mount the router at `/` behind the
 * bearer check (`serverApp.mount("/", controlPlaneRouter(plane))`).
 */
export function controlPlaneRouter(plane: ControlPlane): Router {
  const router = express.Router();
  // Parsed per route: the router shares the app with A2A, whose routes parse their own bodies.
  const json = express.json({ limit: "16mb" });

  router.post("/v1/agent/workers/register", json, (req, res) => {
    const body = parseBody(registerBody, req.body);
    const worker = plane.register({ ...body, worker_id: body.worker_id ?? randomUUID() });
    res.json({ worker_id: worker.worker_id, heartbeat_timeout_ms: plane.settings.worker_heartbeat_timeout_secs * 1000, worker });
  });

  router.post("/v1/agent/workers/:id/heartbeat", json, (req, res) => {
    res.json({ ok: true, ...plane.heartbeat(String(req.params.id), parseBody(heartbeatBody, req.body)) });
  });

  router.get("/v1/agent/workers", (_req, res) => {
    res.json({ workers: plane.workers() });
  });

  router.get("/v1/worker/connected", (_req, res) => {
    res.json({ workers: plane.connectedWorkers() });
  });

  router.get("/v1/worker/tasks/stream", (req, res) => {
    const worker = plane.requireWorker(workerIdOf(req));
    let cursor = lastEventId(req);
    const sse = new SseResponse(res, plane.settings.stream_keepalive_secs * 1000);
    const send = (offer: TaskOffer) => {
      if (offer.seq <= cursor || !workerServes(worker, offer.task)) return;
      cursor = offer.seq;
      sse.event("task", offer.task, offer.seq);
    };
    sse.event("connected", { worker_id: worker.worker_id, resumed_after: cursor });
    // Replay and subscribe in one synchronous turn: no offer can fall between them.
    for (const offer of plane.store.pendingOffers(cursor)) send(offer);
    const unsubscribe = plane.onOffer(send);
    const closed = plane.streamOpened(worker.worker_id);
    sse.onClose(() => {
      unsubscribe();
      closed();
    });
  });

  router.post("/v1/worker/tasks/claim", json, (req, res) => {
    const { task_id } = parseBody(claimBody, req.body);
    res.json(plane.claim(workerIdOf(req), task_id));
  });

  router.post("/v1/worker/tasks/release", json, (req, res) => {
    res.json({ task: plane.release(workerIdOf(req), parseBody(releaseBody, req.body)) });
  });

  router.post("/v1/worker/tasks/output", json, (req, res) => {
    const body = parseBody(outputBody, req.body);
    // Events are relayed as the worker's agent core produced them; only their shape ({type}) is checked.
    res.json({ ok: true, ...plane.output(workerIdOf(req), { ...body, events: body.events as AgentEvent[] }) });
  });

  router.post("/v1/agent/tasks", json, (req, res) => {
    res.status(201).json({ task: plane.createTask(parseBody(taskBody, req.body)) });
  });

  router.get("/v1/agent/tasks", (req, res) => {
    const status = req.query.status;
    if (status !== undefined && !TASK_STATUSES.includes(status as TaskStatus)) {
      throw new ControlPlaneError(400, `invalid 'status': use one of ${TASK_STATUSES.join(", ")}`);
    }
    res.json({ tasks: plane.store.listTasks(status as TaskStatus | undefined) });
  });

  router.get("/v1/agent/tasks/:id", (req, res) => {
    const task = plane.task(String(req.params.id));
    res.json({ task, output: plane.store.output(task.id) });
  });

  router.post("/v1/agent/tasks/:id/cancel", json, (req, res) => {
    res.json({ task: plane.cancel(String(req.params.id)) });
  });

  router.use(controlPlaneErrors);
  return router;
}

function workerIdOf(req: Request): string | undefined {
  return req.header("x-worker-id")?.trim() || undefined;
}

/** The stream position to resume after: `Last-Event-ID` (or `?last_event_id=`), else the beginning. */
function lastEventId(req: Request): number {
  const raw = req.header("last-event-id") ?? (typeof req.query.last_event_id === "string" ? req.query.last_event_id : undefined);
  if (raw === undefined || raw.trim() === "") return 0;
  if (!/^\d+$/.test(raw.trim())) throw new ControlPlaneError(400, `invalid Last-Event-ID '${raw}': expected a non-negative integer`);
  return Number(raw.trim());
}

const controlPlaneErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof ControlPlaneError) return sendHttpError(res, error.status, error.message);
  const status = statusOfError(error);
  if (status === 400 && (error as { type?: string }).type === "entity.parse.failed") return sendHttpError(res, 400, "the request body is not valid JSON");
  next(error);
};
