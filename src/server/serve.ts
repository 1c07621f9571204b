import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { hostname as machineName } from "node:os";
import { createA2AService, type A2AServiceOptions } from "../a2a/a2a-service.ts";
import { JSONRPC_PATH, REST_PATH } from "../a2a/agent-card.ts";
import { startGrpc } from "../a2a/grpc-server.ts";
import { CARD_PATHS, mountA2A } from "../a2a/http-routes.ts";
import type { Config } from "../config/schema.ts";
import { createControlPlane } from "../control-plane/index.ts";
import { mountDurableLogs } from "../events/mount-durable-logs.ts";
import { holdExclusive } from "../storage/exclusive-lock.ts";
import { UserError } from "../util/errors.ts";
import { version } from "../version.ts";
import { createServerApp, type ServerApp } from "./app.ts";
import { resolveAuthToken, type AuthToken } from "./auth-token.ts";

export interface ServeOptions {
  config: Config;
  dataDir: string;
  workspace: string;
  hostname: string;
  port: number;
  grpcPort: number;
  modelRef?: string;
  /** A spawned peer's own card name and description. */
  identity?: A2AServiceOptions["identity"];
  /** The agent's bus handle: every A2A task's events are also published on `task.{id}`. */
  bus?: A2AServiceOptions["bus"];
  /** Further APIs to mount behind auth (worker control plane, audit, bus…): each gets the app's seam. */
  routes?: Array<(server: ServerApp) => void>;
  log?: (line: string) => void;
}

export interface ServeHandle {
  httpUrl: string;
  jsonRpcUrl: string;
  restUrl: string;
  cardUrl: string;
  grpcAddress: string;
  auth: AuthToken;
  /** Graceful stop: no new connections, running tasks canceled and stored, push retries stopped. */
  close(): Promise<void>;
}

/**
 * `codetether serve`: HTTP (A2A JSON-RPC + REST, card, health, mounted APIs) and gRPC, one task store.
 * One serve per data dir: a second would take over the first one's tasks (marking them failed at start),
 * push outbox and worker queue.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  mkdirSync(options.dataDir, { recursive: true });
  const release = holdExclusive(join(options.dataDir, "serve.lock"));
  if (!release) {
    throw new UserError(`another codetether serve is using the data directory ${options.dataDir}; stop it, or give this one its own (CODETETHER_DATA_DIR)`);
  }
  try {
    const handle = await serveWithDataDir(options);
    return { ...handle, close: () => handle.close().finally(release) };
  } catch (error) {
    release();
    throw error;
  }
}

async function serveWithDataDir(options: ServeOptions): Promise<ServeHandle> {
  const log = options.log ?? ((line: string) => process.stderr.write(`codetether serve: ${line}\n`));
  const auth = resolveAuthToken(options.dataDir);
  const server = createServerApp({ token: auth.token, version });
  const durableLogs = await mountDurableLogs(server, options.dataDir);
  const http = createServer(server.app);
  // Long agent runs stream for minutes; the default request timeout would cut them.
  http.requestTimeout = 0;
  const httpPort = await listen(http, options.port, options.hostname);
  // After start-up, a failed accept (e.g. out of file descriptors) is reported, not fatal.
  http.on("error", (error) => log(`HTTP listener: ${error.message}`));
  const publicHost = advertisedHost(options.hostname);
  const httpUrl = `http://${publicHost}:${httpPort}`;

  // The worker control plane: its routes, and the dispatcher that sends A2A tasks to workers ([server] dispatch).
  const controlPlane = createControlPlane({ config: options.config, dataDir: options.dataDir });
  const a2a = createA2AService({ ...options, version, endpoints: { httpUrl, grpcAddress: `${publicHost}:${options.grpcPort}` }, log, dispatcher: controlPlane.dispatcher });
  let grpc;
  try {
    grpc = await startGrpc(options.hostname, options.grpcPort, a2a.requestHandler, auth.token, a2a.user, (record) => durableLogs.recordAudit(record), log);
  } catch (error) {
    http.close();
    throw new Error(`cannot listen for gRPC on ${options.hostname}:${options.grpcPort}: ${(error as Error).message}`);
  }
  const grpcAddress = `${publicHost}:${grpc.port}`;
  a2a.setEndpoints({ httpUrl, grpcAddress });
  server.mount("/", controlPlane.router);
  mountA2A(server, a2a.requestHandler, async () => a2a.user);
  for (const mount of options.routes ?? []) mount(server);

  let closing: Promise<void> | undefined;
  const close = async () => {
    http.close();
    const grpcStopped = grpc.stop(3000);
    await a2a.close("canceled: the server is shutting down");
    controlPlane.close();
    http.closeAllConnections();
    await grpcStopped;
    await durableLogs.drain();
  };
  return {
    httpUrl,
    jsonRpcUrl: `${httpUrl}${JSONRPC_PATH}`,
    restUrl: `${httpUrl}${REST_PATH}`,
    cardUrl: `${httpUrl}${CARD_PATHS[0]}`,
    grpcAddress,
    auth,
    close: () => (closing ??= close()),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${host}:${port}: ${error.code === "EADDRINUSE" ? "address already in use" : error.message}`));
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/** The host the card advertises: the bound one, or this machine's name when bound to every interface. */
function advertisedHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return machineName();
  return host.includes(":") ? `[${host}]` : host;
}
