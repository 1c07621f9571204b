// A TCP proxy in front of a server that can close, from the server's side, every connection open at one moment,
// with the client not told until it writes: what a client whose event loop stalls sees when the server's
// keep-alive timeout closes its pooled connections meanwhile (the close and its next request cross on the wire).
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface ClosingProxy {
  /** `http://127.0.0.1:port`, to use in place of the target's URL. */
  url: string;
  /** Connections cut so far (a request written to a closed one is cut unread). */
  cut(): number;
  /** Every connection open now is closed by the server: the next bytes the client writes on it are refused. */
  closeOpenConnections(): void;
  close(): Promise<void>;
}

export async function startClosingProxy(target: string): Promise<ClosingProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const closed = new WeakSet<Socket>();
  let cut = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    open.add(client);
    client.on("data", (chunk: Buffer) => {
      if (!closed.has(client)) return void upstream.write(chunk);
      cut++;
      client.resetAndDestroy();
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("close", () => (open.delete(client), upstream.destroy()));
    upstream.on("close", () => client.destroy());
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => cut,
    closeOpenConnections: () => open.forEach((socket) => closed.add(socket)),
    close: async () => {
      open.forEach((socket) => socket.destroy());
      server.close();
      await once(server, "close");
    },
  };
}
