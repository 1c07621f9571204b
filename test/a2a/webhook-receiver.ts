import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: any;
  status: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  server: Server;
  /** While true, every request is answered 503. */
  refusing: boolean;
}

/** A webhook receiver on loopback that answers 503 to its first `failFirst` requests (and while `refusing`). */
export async function startReceiver(failFirst = 0): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8").on("data", (c: string) => (raw += c));
    req.on("end", () => {
      const status = receiver.refusing || deliveries.length < failFirst ? 503 : 200;
      deliveries.push({ headers: req.headers, body: JSON.parse(raw), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    server,
    refusing: false,
  };
  return receiver;
}

/** The state a 1.0 delivery reports: its task's or status update's, or "artifact". */
export function deliveredState(delivery: Delivery): string {
  return delivery.body.task?.status?.state ?? delivery.body.statusUpdate?.status?.state ?? "artifact";
}
