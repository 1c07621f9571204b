import { Metadata, status, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";

type AnyCall = { request?: unknown; emit(event: "error", error: unknown): boolean };
type AnyHandler = (call: AnyCall, callback?: (error: unknown, value?: unknown) => void) => void;

/** Stands in for a request whose bytes are not the method's message. */
const MALFORMED = Symbol("malformed request");

/**
 * A service whose calls with undecodable protobuf end with INVALID_ARGUMENT: grpc-js answers a throwing
 * deserializer with INTERNAL, which says the server failed when it was the request. The definition's
 * deserializers return a marker instead of throwing, and the implementation answers the marker.
 */
export function refuseMalformed<T extends UntypedServiceImplementation>(
  definition: ServiceDefinition,
  service: T,
): { definition: ServiceDefinition; service: T } {
  const tolerant: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(definition)) {
    tolerant[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch {
          return MALFORMED;
        }
      },
    };
  }
  const guarded: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(service) as Array<[string, AnyHandler]>) {
    guarded[name] = (call, callback) => {
      if (call.request !== MALFORMED) return handler(call, callback);
      const error = { code: status.INVALID_ARGUMENT, details: "malformed request message", metadata: new Metadata() };
      if (typeof callback === "function") callback(error, null);
      else call.emit("error", error);
    };
  }
  return { definition: tolerant as ServiceDefinition, service: guarded as unknown as T };
}
