import { openAgentNode } from "../../bus/agent-node.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { registerOwnCard } from "../../peers/peer-card.ts";
import { peersFromEnv } from "../../peers/directory.ts";
import { startServe, type ServeHandle } from "../../app/serve/serve.ts";
import { newReplicaId, serveAgentId } from "../../app/serve/replica-identity.ts";
import { UserError } from "../../contracts/errors.ts";
import { version } from "../../version.ts";
import { painter, printJson } from "../output.ts";
import { closeOnSignals, grpcPortFromEnv, tokenLine, workspaceDir } from "./server-process.ts";

export interface ServeCliOptions {
  config?: string;
  port: number;
  hostname: string;
  grpcPort?: number;
  workspace?: string;
  model?: string;
  json?: boolean;
}

/** `codetether serve`: runs until SIGINT/SIGTERM, then shuts down gracefully (a second signal forces it). */
export async function serveAction(options: ServeCliOptions): Promise<void> {
  // Bench-only (src/cli/serve/loop-delay-report.ts): loaded only when the variable is set.
  const loopDelayPeriod = Number(process.env.CODETETHER_LOOP_DELAY_REPORT_MS);
  if (loopDelayPeriod > 0) (await import("./loop-delay-report.ts")).reportLoopDelay(loopDelayPeriod);
  const { config } = loadConfig(options.config);
  const workspace = workspaceDir(options.workspace);
  const grpcPort = options.grpcPort ?? grpcPortFromEnv(50051);
  // The local bus: tasks and agent events are published on it, /v1/bus and /v1/agents serve it.
  const replicaId = newReplicaId(config);
  const node = await openAgentNode(config, serveAgentId(replicaId));
  const handle = await startServe({
    config,
    dataDir: dataDir(),
    workspace,
    hostname: options.hostname,
    port: options.port,
    grpcPort,
    modelRef: options.model,
    replicaId,
    bus: node.handle,
    registry: node.registry,
    peers: peersFromEnv(),
    routes: [node.mount],
  }).catch((error: Error) => {
    throw new UserError(error.message);
  });
  await registerOwnCard(node.registry, handle.jsonRpcUrl);
  announce(handle, workspace, node.handle.agentId, options.json);
  closeOnSignals(() => handle.close().then(() => node.close()));
}

function announce(handle: ServeHandle, workspace: string, agent: string, json?: boolean): void {
  const { auth } = handle;
  const shownToken = auth.source === "generated" ? auth.token : undefined;
  if (json) {
    printJson({
      event: "listening",
      version,
      http: handle.httpUrl,
      jsonrpc: handle.jsonRpcUrl,
      rest: handle.restUrl,
      grpc: handle.grpcAddress,
      card: handle.cardUrl,
      agent,
      replica: handle.replicaId,
      workspace,
      tokenSource: auth.source,
      tokenFile: auth.path,
      token: shownToken,
    });
    return;
  }
  const paint = painter(process.stdout);
  process.stdout.write(
    [
      `${paint("bold", "codetether serve")} ${version}  workspace ${workspace}`,
      `  A2A JSON-RPC  ${handle.jsonRpcUrl}`,
      `  A2A REST      ${handle.restUrl}`,
      `  A2A gRPC      ${handle.grpcAddress}`,
      `  agent card    ${handle.cardUrl}`,
      `  auth token    ${tokenLine(auth, paint)}`,
      ...(handle.replicaId ? [`  replica       ${handle.replicaId} (on the bus as ${agent})`] : []),
      "",
    ].join("\n"),
  );
}
