import { apiActor } from "./actor.ts";
import type { ApiAuditSink } from "./refusal-audit.ts";

interface AnyCall {
  metadata: { get(key: string): unknown[] };
  getPeer?(): string;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): boolean;
}
type Callback = (error: unknown, value?: unknown) => void;
type AnyHandler = (call: AnyCall, callback?: Callback) => void;

const UNAUTHENTICATED = 16;

/**
 * Wraps every method of a gRPC service implementation so each call is recorded once it ends: actor,
 * RPC path from the service definition (`/<package.Service>/<Method>`), gRPC status code; unauthenticated
 * calls go to the sink's aggregation. Wrap outside the auth guard to record refused calls:
 * `auditGrpcService(requireGrpcBearer(impl, token), A2AService, sink)`.
 */
export function auditGrpcService<T extends object>(
  service: T,
  definition: Record<string, { path: string }>,
  sink: ApiAuditSink,
): T {
  const wrapped: Record<string, AnyHandler> = {};
  for (const [method, handler] of Object.entries(service) as [string, AnyHandler][]) {
    wrapped[method] = (call, callback) => {
      let recorded = false;
      const end = (code: number) => {
        if (recorded) return;
        recorded = true;
        const authorization = call.metadata.get("authorization").map(String);
        const input = {
          actor: apiActor(authorization, code !== UNAUTHENTICATED, call.getPeer?.()),
          action: "api.grpc",
          resource: definition[method]?.path ?? `/${method}`,
          status: String(code),
        };
        if (code === UNAUTHENTICATED) sink.refused(input);
        else sink.record(input);
      };
      if (typeof callback === "function") {
        return handler(call, (error, value) => {
          end(codeOf(error));
          callback(error, value);
        });
      }
      const emit = call.emit.bind(call);
      call.emit = (event, ...args) => {
        if (event === "error") end(codeOf(args[0]));
        return emit(event, ...args);
      };
      call.on?.("finish", () => end(0));
      call.on?.("cancelled", () => end(1));
      return handler(call);
    };
  }
  return wrapped as unknown as T;
}

function codeOf(error: unknown): number {
  if (!error) return 0;
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : 2; // UNKNOWN
}
