import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { bearerMatches, UNAUTHENTICATED_MESSAGE } from "./bearer.ts";
import { sendHttpError, statusOfError } from "../contracts/http-error.ts";
import { escapeForLog } from "../util/log-escape.ts";

export interface ServerAppOptions {
  /** The bearer token every route except /health and the public (discovery) paths requires. */
  token: string;
  version: string;
  /** Where a failed request's error is reported (one line; escaped by the caller). Default: stderr. */
  log?: (line: string) => void;
}

/** A middleware or an error handler (4 arguments), as Express's `use` takes them. */
export type Handler = RequestHandler | ErrorRequestHandler;

export interface ServerApp {
  app: Express;
  /**
   * Mounts handlers behind bearer auth. This is the seam for every API of `serve` (A2A, the worker
   * control plane, audit, bus…): `mount("/v1/audit", auditRouter)`. Mount order is request order.
   */
  mount(path: string, ...handlers: Handler[]): void;
  /**
   * Mounts handlers reachable without a token: only discovery documents (the agent card) and middleware
   * that lets every request on (e.g. one fixing the answers' media type, 401 included).
   */
  mountPublic(path: string, ...handlers: Handler[]): void;
}

/**
 * The HTTP app of `serve`: `/health` (open), public discovery routes, then the bearer check in front of
 * everything else, then a JSON 404 and an error handler that never leaks a stack.
 */
export function createServerApp(options: ServerAppOptions): ServerApp {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  const publicRoutes = express.Router();
  const protectedRoutes = express.Router();

  app.get("/health", (_req, res) => {
    res.json({ status: "ok", version: options.version });
  });
  app.use(publicRoutes);
  app.use(requireBearer(options.token));
  app.use(protectedRoutes);
  app.use((req, res) => sendHttpError(res, 404, `no route for ${req.method} ${req.path}`));
  app.use(
    lastResortErrors(options.log ?? ((line) => process.stderr.write(`codetether serve: ${escapeForLog(line)}\n`))),
  );

  return {
    app,
    mount: (path, ...handlers) => void protectedRoutes.use(path, ...handlers),
    mountPublic: (path, ...handlers) => void publicRoutes.use(path, ...handlers),
  };
}

/** 401 with `WWW-Authenticate: Bearer` unless the request carries the token. */
export function requireBearer(token: string): RequestHandler {
  return (req, res, next) => {
    if (bearerMatches(req.headers.authorization, token)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="codetether"');
    sendHttpError(res, 401, UNAUTHENTICATED_MESSAGE);
  };
}

function lastResortErrors(log: (line: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const status = statusOfError(error);
    if (status >= 500) log(error instanceof Error ? error.message : String(error));
    if (res.headersSent) return void res.end();
    sendHttpError(res, status, status >= 500 ? "internal server error" : (error as Error).message);
  };
}
