import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProbeStatus {
  registered: boolean;
  connected: boolean;
  worker_id: string;
  heartbeat: { status: string; active_tasks: number; agent_name: string };
}

export interface ProbeHandlers {
  status(): ProbeStatus;
  /** `POST /task`: look for work now (reconnect the stream at once if it is down). */
  wake(): void;
}

/**
 * The worker's HTTP probes for Kubernetes and platforms: `/health` (alive), `/ready` (registered and
 * the task stream connected, else 503), `/worker/status`, and `POST /task` to wake the loop.
 */
export async function startProbeServer(
  host: string,
  port: number,
  handlers: ProbeHandlers,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://probe").pathname;
    const route = `${req.method} ${path}`;
    if (route === "GET /health") return send(res, 200, { status: "ok" });
    if (route === "GET /ready") {
      const { registered, connected } = handlers.status();
      return send(res, registered && connected ? 200 : 503, { ready: registered && connected, registered, connected });
    }
    if (route === "GET /worker/status") {
      const { connected, worker_id, heartbeat } = handlers.status();
      return send(res, 200, { connected, worker_id, heartbeat });
    }
    if (route === "POST /task") {
      req.resume();
      handlers.wake();
      return send(res, 202, { ok: true });
    }
    send(res, 404, { error: `no route for ${req.method} ${path}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
