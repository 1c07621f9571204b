// A tiny HTTP server that serves an agent card (and can be made to fail), for discovery tests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CardServer {
  url: string;
  /** While false, every request answers 503. */
  up: boolean;
  card: Record<string, unknown>;
  hits: string[];
  close(): Promise<void>;
}

export function a2aCard(
  name: string,
  base: string,
  skills: Array<{ id: string; name: string }> = [],
): Record<string, unknown> {
  return {
    name,
    description: `${name} agent`,
    version: "1.0.0",
    supportedInterfaces: [
      { url: "127.0.0.1:50051", protocolBinding: "GRPC", protocolVersion: "1.0" },
      { url: `${base}/a2a`, protocolBinding: "JSONRPC", protocolVersion: "1.0" },
    ],
    skills: skills.map((s) => ({ ...s, description: "", tags: ["t"] })),
  };
}

/** Serves `card(url)` at the given well-known path only (404 elsewhere). */
export async function startCardServer(
  card: (base: string) => Record<string, unknown>,
  path = "/.well-known/agent-card.json",
): Promise<CardServer> {
  const state = { up: true, hits: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.hits.push(req.url ?? "");
    if (!state.up) return void res.writeHead(503).end();
    if (req.url !== path) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result.card));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const result: CardServer = {
    url,
    get up() {
      return state.up;
    },
    set up(value) {
      state.up = value;
    },
    card: card(url),
    hits: state.hits,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return result;
}

/** A loopback URL nobody listens on (a port just released). */
export async function deadPeerUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/a2a`;
}
