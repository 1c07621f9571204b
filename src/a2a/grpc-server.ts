import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { Server, ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { A2ARequestHandler, User } from "@a2a-js/sdk/server";
import type { ApiAuditSink } from "../audit/refusal-audit.ts";

export interface GrpcEndpoint {
  port: number;
  /** Stops taking calls, lets running ones end for `graceMs`, then cuts them. */
  stop(graceMs: number): Promise<void>;
}

type Injector = { server: Server; inject(socket: Socket): void };

/**
 * The gRPC port: the 1.0 service (`lf.a2a.v1`) and the 0.3 one (`a2a.v1`) side by side on the same
 * request handler, every call behind the bearer check and recorded in the audit trail (refused ones too).
 * The port is a plain TCP listener; grpc-js and the SDK's gRPC services (~5 MiB) are loaded on the
 * first connection, whose socket (paused until then) is handed to them, so a serve that no gRPC client
 * uses never carries them.
 */
export async function startGrpc(
  host: string,
  port: number,
  requestHandler: A2ARequestHandler,
  token: string,
  user: User,
  audit: ApiAuditSink,
  log: (line: string) => void,
): Promise<GrpcEndpoint> {
  let injector: Promise<Injector> | undefined;
  const listener = createServer({ pauseOnConnect: true }, (socket) => {
    injector ??= grpcInjector(requestHandler, token, user, audit).catch((error: Error) => {
      log(`gRPC could not start (${error.message}); the next connection tries again`);
      injector = undefined;
      throw error;
    });
    injector.then((grpc) => grpc.inject(socket)).catch(() => socket.destroy());
  });
  const bound = await listen(listener, host, port);
  // After start-up, a failed accept (e.g. out of file descriptors) is reported, not fatal.
  listener.on("error", (error) => log(`gRPC listener: ${error.message}`));
  return {
    port: bound,
    stop: async (graceMs) => {
      await Promise.all([
        new Promise((resolve) => listener.close(resolve)),
        injector?.then(
          (grpc) => stopGrpc(grpc.server, graceMs),
          () => undefined,
        ),
      ]);
    },
  };
}

async function grpcInjector(
  requestHandler: A2ARequestHandler,
  token: string,
  user: User,
  audit: ApiAuditSink,
): Promise<Injector> {
  const [
    { Server, ServerCredentials },
    { legacyGrpcService, LegacyA2AService },
    { A2AService, grpcService },
    { auditGrpcService },
    { requireGrpcBearer },
    { refuseMalformed },
    { withRequestedVersion },
  ] = await Promise.all([
    import("@grpc/grpc-js"),
    import("@a2a-js/sdk/compat/v0_3/server/grpc"),
    import("@a2a-js/sdk/server/grpc"),
    import("../audit/grpc-audit.ts"),
    import("../server/grpc-auth.ts"),
    import("./grpc-decoding.ts"),
    import("./requested-version.ts"),
  ]);
  const server = new Server();
  const userBuilder = async () => user;
  // Audited outermost (refused calls too), then the bearer check, then undecodable requests refused.
  // `absent`: the version a call without `a2a-version` metadata is served in (its service's).
  const add = (
    serviceDefinition: ServiceDefinition,
    implementation: UntypedServiceImplementation,
    absent: string | undefined,
  ) => {
    const { definition, service } = refuseMalformed(serviceDefinition, implementation);
    const versioned = withRequestedVersion(requireGrpcBearer(service, token), absent);
    server.addService(definition, auditGrpcService(versioned, definition, audit));
  };
  add(A2AService, grpcService({ requestHandler, userBuilder }), "1.0");
  add(LegacyA2AService, legacyGrpcService({ requestHandler, userBuilder }), undefined);
  const connections = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    server,
    inject: (socket) => {
      connections.injectConnection(socket);
      socket.resume(); // paused since accepted; HTTP/2 now owns its reads
    },
  };
}

function listen(listener: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === "EADDRINUSE" ? "address already in use" : error.message));
    listener.once("error", failed);
    listener.listen(port, host, () => {
      listener.off("error", failed);
      const address = listener.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

function stopGrpc(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
