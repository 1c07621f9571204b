import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { sendHttpError } from "../../contracts/http-error.ts";
import type { AgentBus } from "../agent-bus.ts";
import type { Delivery, EnvelopeKind } from "../envelope.ts";
import { BusError } from "../errors.ts";
import type { Subscription } from "../subscription.ts";
import { assertPattern } from "../topics.ts";
import { jsonBody } from "../../server/json-body.ts";

/** Kinds an HTTP client may publish; the registry's own (joins, leaves, queries) are the bus's business. */
const PUBLISHABLE_KINDS = [
  "message",
  "task_update",
  "artifact",
  "event",
  "result",
  "agent_ready",
  "heartbeat",
] as const satisfies EnvelopeKind[];

const publishSchema = z
  .object({
    topic: z.string().min(1),
    kind: z.enum(PUBLISHABLE_KINDS).default("message"),
    payload: z.unknown(),
    sender: z.string().min(1).max(200).default("http"),
    correlation: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export interface BusRouterOptions {
  /** Comment lines on idle streams so proxies keep them open (default 15 s). */
  keepAliveMs?: number;
}

/**
 * `GET /stream?topics=a,b` — server-sent events of every message on the topics (NATS wildcards allowed),
 * one `event: <kind>` per message with the envelope as data, `event: lagged` when this client fell behind.
 * `POST /publish` — `{topic, kind?, payload, sender?, correlation?}`, answered 202 with the envelope's id.
 * Mount behind the server's bearer auth.
 */
export function busRouter(bus: AgentBus, options: BusRouterOptions = {}): Router {
  const router = express.Router();
  router.get("/stream", (req, res) => stream(bus, req, res, options.keepAliveMs ?? 15_000));
  router.post("/publish", ...jsonBody("1mb"), (req, res) => {
    const parsed = publishSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return sendHttpError(res, 400, `invalid publish request: ${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    try {
      const envelope = bus.publish(parsed.data);
      res.status(202).json({ id: envelope.id, topic: envelope.topic, timestamp: envelope.timestamp });
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      sendHttpError(res, 400, error.message);
    }
  });
  return router;
}

function topicsOf(req: Request): string[] {
  const raw = req.query.topics;
  const values = Array.isArray(raw) ? raw : [raw];
  return values
    .filter((value): value is string => typeof value === "string")
    .flatMap((value) => value.split(","))
    .map((topic) => topic.trim())
    .filter(Boolean);
}

function stream(bus: AgentBus, req: Request, res: Response, keepAliveMs: number): void {
  const patterns = topicsOf(req);
  if (patterns.length === 0) return sendHttpError(res, 400, "give the topics to stream: ?topics=agent.*.events,task.>");
  try {
    patterns.forEach(assertPattern);
  } catch (error) {
    return sendHttpError(res, 400, (error as Error).message);
  }
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  if (req.method === "HEAD") return void res.end(); // the headers are the answer; no stream follows
  res.write(`: streaming ${patterns.join(",")}\n\n`);
  const subscriptions: Subscription[] = patterns.map((pattern) =>
    bus.subscribe(pattern, { onDelivery: sseWriter(res, pattern) }),
  );
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), keepAliveMs);
  keepAlive.unref();
  res.on("close", () => {
    clearInterval(keepAlive);
    subscriptions.forEach((subscription) => subscription.close());
  });
}

/** Bytes a stream may have waiting for its reader before deliveries are dropped (then counted in a `lagged` event). */
const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

/**
 * Writes one subscription's deliveries to a stream. A reader that stops reading would have serve buffer
 * everything published for it: past MAX_UNREAD_BYTES deliveries are dropped, and once it reads again a
 * `lagged` event says how many, as a subscription's own bounded queue does.
 */
function sseWriter(res: Response, pattern: string): (delivery: Delivery) => void {
  let dropped = 0;
  return (delivery) => {
    if (res.writableEnded) return;
    if (res.writableLength > MAX_UNREAD_BYTES) {
      dropped++;
      return;
    }
    if (dropped) res.write(sseEvent({ kind: "lagged", topic: pattern, dropped }));
    dropped = 0;
    res.write(sseEvent(delivery));
  };
}

function sseEvent(delivery: Delivery): string {
  let data: string;
  try {
    data = JSON.stringify(delivery);
  } catch (error) {
    // In-process payloads are objects as published; one that cannot be JSON must not end the stream.
    data = JSON.stringify({
      kind: "error",
      topic: delivery.topic,
      message: `unserialisable message: ${(error as Error).message}`,
    });
  }
  const id = "id" in delivery ? `id: ${delivery.id}\n` : "";
  return `${id}event: ${delivery.kind}\ndata: ${data}\n\n`;
}
