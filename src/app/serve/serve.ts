import type { AgentServices } from "../agent-factory.ts";
import { Sandbox } from "../../sandbox/runner.ts";
import { sandboxedLanguageServers } from "../../sandbox/language-servers.ts";
import { privateDir } from "../../storage/private-files.ts";
import type { Server } from "node:http";
import { join } from "node:path";
import { hostname as machineName } from "node:os";
import { routeConsole } from "./console-to-log.ts";
import { createA2AService, type A2AServiceOptions } from "./a2a-service.ts";
import { JSONRPC_PATH, REST_PATH } from "../../a2a/agent-card.ts";
import { startGrpc } from "../../a2a/grpc-server.ts";
import { openTaskStore } from "../../a2a/open-task-store.ts";
import { storageSection } from "../../postgres/config.ts";
import { openSharedDatabase } from "../../postgres/shared-database.ts";
import { serverSection } from "../../a2a/server-config.ts";
import { mcpServers } from "../../mcp/config.ts";
import { trustedKeys } from "../../plugins/config.ts";
import { apiActor } from "../../audit/actor.ts";
import { auditedPath } from "../../audit/refusal-audit.ts";
import { CARD_PATHS } from "../../a2a/card-routes.ts";
import { mountA2A } from "../../a2a/http-routes.ts";
import type { Config } from "../../config/schema.ts";
import { createControlPlane } from "../../control-plane/index.ts";
import { mountDurableLogs } from "../../durable-logs/mount-durable-logs.ts";
import { SessionRecorder } from "../../durable-logs/recorder.ts";
import { holdExclusive } from "../../storage/exclusive-lock.ts";
import { UserError } from "../../contracts/errors.ts";
import { version } from "../../version.ts";
import { createPluginsRouter } from "../../plugins/http-router.ts";
import { mountSelfDeployment } from "../../k8s/mount.ts";
import { mountCognition } from "../../cognition/mount.ts";
import { createServerApp, type ServerApp } from "../../server/app.ts";
import { setTimeout as delay } from "node:timers/promises";
import { createHttpServer } from "../../server/http-server.ts";
import { escapeForLog } from "../../util/log-escape.ts";
import { redactText } from "../../util/redact.ts";
import { resolveAuthToken, type AuthToken } from "../../server/auth-token.ts";

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
  bus?: AgentServices["bus"];
  /** The peers tasks may hire with the `a2a` tool. */
  peers?: AgentServices["peers"];
  /** Where the sub-agents of a task's swarm appear while they run (/v1/agents). */
  registry?: AgentServices["registry"];
  /** With `[storage] url`: this replica's id (see newReplicaId), when the caller named the replica already. */
  replicaId?: string;
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
  /** With a shared database: this replica's id (its lease). */
  replicaId?: string;
  /** Graceful stop: no new connections, running tasks canceled and stored, push retries stopped. */
  close(): Promise<void>;
}

/**
 * `codetether serve`: HTTP (A2A JSON-RPC + REST, card, health, mounted APIs) and gRPC, one task store.
 * One serve per data dir: on SQLite a second would take over the first one's tasks (marking them failed
 * at start), push outbox and worker queue. Replicas of a shared database are peers, yet each needs a
 * data dir of its own too: a turn copies its context's conversation from the database over the local
 * session store's copy, which would wipe the messages of a turn another replica is running there.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  privateDir(options.dataDir);
  const release = holdExclusive(join(options.dataDir, "serve.lock"));
  if (!release) {
    const why = storageSection(options.config).url
      ? "replicas of one database each need a data directory of their own (each keeps local copies of the conversations it runs)"
      : "stop it";
    throw new UserError(
      `another codetether serve is using the data directory ${options.dataDir}; ${why}, or give this one its own (CODETETHER_DATA_DIR)`,
    );
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
  // Lines may quote what clients sent (ids, paths): escaped, so none can forge a line or a terminal code;
  // and redacted, as they may quote a webhook URL or a library's error message carrying a secret.
  const write = options.log ?? ((line: string) => process.stderr.write(`codetether serve: ${line}\n`));
  const log = (line: string) => write(escapeForLog(redactText(line)));
  const limits = serverSection(options.config);
  // Every task's agent would fail on a mistake in these sections: serve refuses to start instead.
  mcpServers(options.config);
  trustedKeys(options.config);
  // First: an unreachable or misconfigured database stops serve before it listens anywhere.
  const database = await openSharedDatabase(storageSection(options.config), log, options.replicaId);
  const taskStore = await openTaskStore(options.dataDir, database).catch(async (error: unknown) => {
    await database?.close();
    throw error;
  });
  const auth = resolveAuthToken(options.dataDir);
  const server = createServerApp({ token: auth.token, version, log });
  // Serve's writer of the durable logs: API calls and every task's agent record through it.
  // With a shared database, every record names the replica (its lease) that wrote it.
  const durableLogs = await SessionRecorder.openFor(options.dataDir, options.config, database?.lease.id);
  const apiAudit = mountDurableLogs(server, durableLogs, options.dataDir);
  // One set of language servers for every task of the workspace.
  const languageServers = sandboxedLanguageServers(
    new Sandbox({ config: options.config, dataDir: options.dataDir, audit: (input) => durableLogs.recordAudit(input) }),
  );
  const http = createHttpServer(
    server.app,
    {
      maxConnections: limits.max_connections,
      headersTimeoutMs: limits.headers_timeout_secs * 1000,
      requestTimeoutMs: limits.request_timeout_secs * 1000,
      keepAliveTimeoutMs: limits.keep_alive_timeout_secs * 1000,
    },
    (req, status) =>
      apiAudit.refused({
        actor: apiActor(undefined, false, req.socket.remoteAddress),
        action: "api.http",
        resource: auditedPath((req.url ?? "/").split("?")[0]!),
        status: String(status),
        details: { method: req.method },
      }),
  );
  const httpPort = await listen(http, options.port, options.hostname);
  // After start-up, a failed accept (e.g. out of file descriptors) is reported, not fatal.
  http.on("error", (error) => log(`HTTP listener: ${error.message}`));
  const publicHost = advertisedHost(options.hostname);
  const httpUrl = `http://${publicHost}:${httpPort}`;

  // The worker control plane: its routes, and the dispatcher that sends A2A tasks to workers ([server] dispatch).
  const controlPlane = await createControlPlane({ config: options.config, dataDir: options.dataDir, database, log });
  const a2a = await createA2AService({
    ...options,
    taskStore,
    database,
    version,
    endpoints: { httpUrl, grpcAddress: `${publicHost}:${options.grpcPort}` },
    log,
    dispatcher: controlPlane.dispatcher,
    services: {
      recorder: durableLogs,
      languageServers,
      bus: options.bus,
      peers: options.peers,
      registry: options.registry,
    },
  });
  let grpc;
  try {
    grpc = await startGrpc(options.hostname, options.grpcPort, a2a.requestHandler, auth.token, a2a.user, apiAudit, log);
  } catch (error) {
    http.close();
    throw new Error(`cannot listen for gRPC on ${options.hostname}:${options.grpcPort}: ${(error as Error).message}`);
  }
  const grpcAddress = `${publicHost}:${grpc.port}`;
  a2a.setEndpoints({ httpUrl, grpcAddress });
  // A2A first: the control plane's router sits at "/", and a request it does not take costs its route matches
  // and an event-loop turn (Express leaves a nested router through setImmediate).
  mountA2A(server, a2a.requestHandler, async () => a2a.user, a2a.cardModified);
  server.mount("/", controlPlane.router);
  server.mount("/v1/plugins", createPluginsRouter({ config: options.config }));
  const k8s = await mountSelfDeployment(server, {
    config: options.config,
    audit: (r) => durableLogs.recordAudit(r),
    log,
  });
  const cognition = mountCognition(server, { ...options, audit: (input) => durableLogs.recordAudit(input), log });
  for (const mount of options.routes ?? []) mount(server);

  const restoreConsole = routeConsole(log);
  let closing: Promise<void> | undefined;
  const close = async () => {
    http.close();
    k8s.close();
    const grpcStopped = grpc.stop(3000);
    await a2a.close("canceled: the server is shutting down");
    await cognition.close();
    await controlPlane.close();
    http.closeAllConnections();
    await grpcStopped;
    languageServers.shutdown();
    // The responses of the connections just closed (a worker's task stream ends 499) are recorded on
    // later turns of the loop: the audit log closes after them (waiting a second at most: a stop must end).
    await Promise.race([apiAudit.settled(), delay(1000, undefined, { ref: false })]);
    apiAudit.flush();
    await durableLogs.close();
    await database?.close();
    restoreConsole();
  };
  return {
    httpUrl,
    jsonRpcUrl: `${httpUrl}${JSONRPC_PATH}`,
    restUrl: `${httpUrl}${REST_PATH}`,
    cardUrl: `${httpUrl}${CARD_PATHS[0]}`,
    grpcAddress,
    auth,
    replicaId: database?.lease.id,
    close: () => (closing ??= close()),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot listen on ${host}:${port}: ${error.code === "EADDRINUSE" ? "address already in use" : error.message}`,
        ),
      );
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
