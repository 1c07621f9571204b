import { openAgentNode } from "../../bus/agent-node.ts";
import { loadConfig } from "../../config/load.ts";
import { dataDir } from "../../config/paths.ts";
import { registerOwnCard } from "../../peers/peer-card.ts";
import { startServe, type ServeHandle } from "../../server/serve.ts";
import { UserError } from "../../util/errors.ts";
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
  const { config } = loadConfig(options.config);
  const workspace = workspaceDir(options.workspace);
  const grpcPort = options.grpcPort ?? grpcPortFromEnv(50051);
  // The local bus: tasks and agent events are published on it, /v1/bus and /v1/agents serve it.
  const node = await openAgentNode(config, "serve");
  const handle = await startServe({ config, dataDir: dataDir(), workspace, hostname: options.hostname, port: options.port, grpcPort, modelRef: options.model, bus: node.handle, routes: [node.mount] }).catch((error: Error) => {
    throw new UserError(error.message);
  });
  await registerOwnCard(node.registry, handle.jsonRpcUrl);
  announce(handle, workspace, options.json);
  closeOnSignals(() => handle.close().then(() => node.close()));
}


function announce(handle: ServeHandle, workspace: string, json?: boolean): void {
  const { auth } = handle;
  const shownToken = auth.source === "generated" ? auth.token : undefined;
  if (json) {
    printJson({ event: "listening", version, http: handle.httpUrl, jsonrpc: handle.jsonRpcUrl, rest: handle.restUrl, grpc: handle.grpcAddress, card: handle.cardUrl, workspace, tokenSource: auth.source, tokenFile: auth.path, token: shownToken });
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
      "",
    ].join("\n"),
  );
}
