import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface HttpLimits {
  /** Connections served at once; beyond it requests are refused with 503, except `/health`. */
  maxConnections: number;
  /** Time allowed for a request's headers (ms). */
  headersTimeoutMs: number;
  /** Time allowed for a whole request, body included (ms); a streamed answer is not cut by it. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (ms). */
  keepAliveTimeoutMs: number;
}

/** Over-cap connections kept just long enough to answer `/health` or a 503; past this many more, sockets are cut. */
const HEALTH_RESERVE = 16;

/** A request that was refused before reaching the app (recorded by the caller, aggregated). */
export type RefusalListener = (req: IncomingMessage, status: number) => void;

/**
 * The HTTP server of `serve` with caps against hostile traffic: slow headers and slow bodies are
 * answered 408 and dropped, idle keep-alive connections closed, and connections beyond `maxConnections`
 * get 503 (and are closed) while `/health` still answers on them; beyond a small reserve on top of the
 * cap, new sockets are destroyed before they cost more than a file descriptor.
 */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limits: HttpLimits,
  onRefused: RefusalListener,
): Server {
  const overCap = new WeakSet<Socket>();
  let open = 0;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node requires headersTimeout <= requestTimeout.
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often expired requests are looked for (Node's default, 30 s, would let slowloris hold a socket that long).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2)),
    },
    (req, res) => {
      if (!overCap.has(req.socket)) return handler(req, res);
      res.shouldKeepAlive = false;
      if (req.url === "/health") return handler(req, res);
      onRefused(req, 503);
      res.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "1" });
      res.end(
        JSON.stringify({ error: { code: 503, status: "UNAVAILABLE", message: "too many connections; retry later" } }),
      );
    },
  );
  // An idle keep-alive connection times out in the timers phase, which after a stall of our event loop (load, a
  // heap snapshot) comes before the poll that reads what arrived meanwhile: the client's next request may be
  // waiting on it, and closing would reset that request unread (a lost task). It is closed one loop turn later,
  // unless a request started on it by then (Node clears the keep-alive timeout, to 0, when one does).
  server.on("timeout", (socket: Socket) => {
    setImmediate(() => {
      if (socket.timeout !== 0) socket.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    open++;
    socket.once("close", () => open--);
    if (open > limits.maxConnections + HEALTH_RESERVE) socket.destroy();
    else if (open > limits.maxConnections) overCap.add(socket);
  });
  return server;
}
