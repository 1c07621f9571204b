import { Metadata, status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { bearerMatches, UNAUTHENTICATED_MESSAGE } from "./bearer.ts";

type AnyCall = { metadata: Metadata; emit(event: "error", error: unknown): boolean };
type AnyHandler = (call: AnyCall, callback?: (error: unknown, value?: unknown) => void) => void;

/**
 * Wraps every method of a gRPC service so that a call without `authorization: Bearer <token>` metadata
 * ends with UNAUTHENTICATED before it reaches the implementation (unary and server-streaming alike).
 */
export function requireGrpcBearer<T extends UntypedServiceImplementation>(service: T, token: string): T {
  const guarded: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(service) as Array<[string, AnyHandler]>) {
    guarded[name] = (call, callback) => {
      const values = call.metadata.get("authorization").map(String);
      if (bearerMatches(values, token)) return handler(call, callback);
      const error = { code: status.UNAUTHENTICATED, details: UNAUTHENTICATED_MESSAGE, metadata: new Metadata() };
      if (typeof callback === "function") callback(error, null);
      else call.emit("error", error);
    };
  }
  return guarded as unknown as T;
}
