import type { Request, RequestHandler } from "express";

/** `1.0.1` → `1.0`: negotiation ignores the patch number (spec §3.6); the SDK compares what it gets exactly. */
export function majorMinor(version: string): string {
  return version.trim().replace(/^(\d+\.\d+)\.\d+$/, "$1");
}

/**
 * Puts the A2A-Version a request asks for where the SDK reads it, the header: the header, else the
 * `A2A-Version` query parameter the spec allows instead (§3.6.1), without its patch number; else what the
 * route implies (`absent`). The SDK takes a missing header for 0.3 even on the 1.0 REST routes, which
 * answer in 1.0: push configs registered there would get 0.3-shaped notifications.
 */
export function requestedVersion(absent: (req: Request) => string | undefined = () => undefined): RequestHandler {
  return (req, _res, next) => {
    const query = req.query["A2A-Version"];
    const given = req.header("a2a-version") ?? (typeof query === "string" ? query : undefined) ?? absent(req);
    if (given !== undefined) req.headers["a2a-version"] = majorMinor(given);
    next();
  };
}

type Metadata = { get(key: string): unknown[]; set(key: string, value: string): void };
type AnyHandler = (call: { metadata: Metadata }, callback?: unknown) => void;

/** The same for a gRPC service: each call's `a2a-version` metadata without its patch number, else `absent`. */
export function withRequestedVersion<T extends object>(service: T, absent?: string): T {
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(service) as Array<[string, AnyHandler]>) {
    wrapped[name] = (call, callback) => {
      const [given = absent] = call.metadata.get("a2a-version");
      if (typeof given === "string") call.metadata.set("a2a-version", majorMinor(given));
      handler(call, callback);
    };
  }
  return wrapped as T;
}
