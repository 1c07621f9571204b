import { Server, ServerCredentials } from "@grpc/grpc-js";
import { legacyGrpcService, LegacyA2AService } from "@a2a-js/sdk/compat/v0_3/server/grpc";
import type { A2ARequestHandler, User } from "@a2a-js/sdk/server";
import { A2AService, grpcService } from "@a2a-js/sdk/server/grpc";
import { auditGrpcService } from "../audit/grpc-audit.ts";
import type { AuditInput } from "../audit/audit-record.ts";
import { requireGrpcBearer } from "../server/grpc-auth.ts";

export interface GrpcEndpoint {
  server: Server;
  port: number;
}

/**
 * The gRPC port: the 1.0 service (`lf.a2a.v1`) and the 0.3 one (`a2a.v1`) side by side on the same
 * request handler, every call behind the bearer check and recorded in the audit trail (refused ones too).
 */
export async function startGrpc(host: string, port: number, requestHandler: A2ARequestHandler, token: string, user: User, audit: (input: AuditInput) => void): Promise<GrpcEndpoint> {
  const server = new Server();
  const userBuilder = async () => user;
  server.addService(A2AService, auditGrpcService(requireGrpcBearer(grpcService({ requestHandler, userBuilder }), token), A2AService, audit));
  server.addService(LegacyA2AService, auditGrpcService(requireGrpcBearer(legacyGrpcService({ requestHandler, userBuilder }), token), LegacyA2AService, audit));
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual))),
  );
  return { server, port: bound };
}

/** Stops taking calls, lets running ones end for a moment, then cuts them. */
export function stopGrpc(server: Server, graceMs: number): Promise<void> {
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
