import { randomUUID } from "node:crypto";
import type { AgentEvent } from "../contracts/agent-events.ts";
import express, { type ErrorRequestHandler, type Request, type Router } from "express";
import { sendHttpError, statusOfError } from "../contracts/http-error.ts";
import type { ControlPlane } from "./control-plane.ts";
import { ControlPlaneError } from "./errors.ts";
import { OfferStream } from "./offer-stream.ts";
import { claimBody, heartbeatBody, outputBody, parseBody, registerBody, releaseBody, taskBody } from "./requests.ts";
import { lastEventId, SseResponse } from "./sse.ts";
import type { TaskStatus } from "./types.ts";

const TASK_STATUSES: readonly TaskStatus[] = ["pending", "running", "completed", "failed", "cancelled"];

/**
 * The worker protocol and task queue over HTTP. Paths are absolute: mount the router at `/` behind the
 * bearer check (`serverApp.mount("/", controlPlaneRouter(plane))`).
 */
export function controlPlaneRouter(plane: ControlPlane): Router {
  const router = express.Router();
  // Parsed per route: the router shares the app with A2A, whose routes parse their own bodies.
  const json = express.json({ limit: "16mb" });

  router.post("/v1/agent/workers/register", json, async (req, res) => {
    const body = parseBody(registerBody, req.body);
    const worker = await plane.register({ ...body, worker_id: body.worker_id ?? randomUUID() });
    res.json({
      worker_id: worker.worker_id,
      heartbeat_timeout_ms: plane.settings.worker_heartbeat_timeout_secs * 1000,
      worker,
    });
  });

  router.post("/v1/agent/workers/:id/heartbeat", json, async (req, res) => {
    res.json({ ok: true, ...(await plane.heartbeat(String(req.params.id), parseBody(heartbeatBody, req.body))) });
  });

  router.get("/v1/agent/workers", async (_req, res) => {
    res.json({ workers: await plane.workers() });
  });

  router.get("/v1/worker/connected", async (_req, res) => {
    res.json({ workers: await plane.connectedWorkers() });
  });

  router.get("/v1/worker/tasks/stream", async (req, res) => {
    const worker = await plane.requireWorker(workerIdOf(req));
    const cursor = lastEventId(req, (message) => new ControlPlaneError(400, message));
    const sse = new SseResponse(res, plane.settings.stream_keepalive_secs * 1000);
    sse.event("connected", { worker_id: worker.worker_id, resumed_after: cursor });
    const offers = new OfferStream(plane, worker, cursor, (offer) => sse.event("task", offer.task, offer.seq));
    // Subscribed before the first read: an offer committed meanwhile makes the stream read again.
    const unsubscribe = plane.onOffer(() => offers.look());
    // Closing waits for the opening to be counted; a count lost to a database error only skews `connected`.
    const opened = plane.streamOpened(worker.worker_id).catch(() => undefined);
    offers.look();
    sse.onClose(() => {
      unsubscribe();
      offers.stop();
      void opened.then((closed) => closed?.()).catch(() => undefined);
    });
  });

  router.post("/v1/worker/tasks/claim", json, async (req, res) => {
    const { task_id } = parseBody(claimBody, req.body);
    res.json(await plane.claim(workerIdOf(req), task_id));
  });

  router.post("/v1/worker/tasks/release", json, async (req, res) => {
    res.json({ task: await plane.release(workerIdOf(req), parseBody(releaseBody, req.body)) });
  });

  router.post("/v1/worker/tasks/output", json, async (req, res) => {
    const body = parseBody(outputBody, req.body);
    // Events are relayed as the worker's agent core produced them; only their shape ({type}) is checked.
    res.json({ ok: true, ...(await plane.output(workerIdOf(req), { ...body, events: body.events as AgentEvent[] })) });
  });

  router.post("/v1/agent/tasks", json, async (req, res) => {
    res.status(201).json({ task: await plane.createTask(parseBody(taskBody, req.body)) });
  });

  router.get("/v1/agent/tasks", async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && !TASK_STATUSES.includes(status as TaskStatus)) {
      throw new ControlPlaneError(400, `invalid 'status': use one of ${TASK_STATUSES.join(", ")}`);
    }
    res.json({ tasks: await plane.store.listTasks(status as TaskStatus | undefined) });
  });

  router.get("/v1/agent/tasks/:id", async (req, res) => {
    const task = await plane.task(String(req.params.id));
    res.json({ task, output: await plane.store.output(task.id) });
  });

  router.post("/v1/agent/tasks/:id/cancel", json, async (req, res) => {
    res.json({ task: await plane.cancel(String(req.params.id)) });
  });

  router.use(controlPlaneErrors);
  return router;
}

function workerIdOf(req: Request): string | undefined {
  return req.header("x-worker-id")?.trim() || undefined;
}

const controlPlaneErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof ControlPlaneError) return sendHttpError(res, error.status, error.message);
  const status = statusOfError(error);
  if (status === 400 && (error as { type?: string }).type === "entity.parse.failed")
    return sendHttpError(res, 400, "the request body is not valid JSON");
  next(error);
};
