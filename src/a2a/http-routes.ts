import { RequestMalformedError, toRestErrorBody } from "@a2a-js/sdk/errors";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import { jsonRpcHandler, restHandler, type UserBuilder } from "@a2a-js/sdk/server/express";
import express, { type ErrorRequestHandler } from "express";
import type { ServerApp } from "../server/app.ts";
import { statusOfError } from "../contracts/http-error.ts";
import { JSONRPC_PATH, REST_PATH } from "./agent-card.ts";
import { cardRoutes } from "./card-routes.ts";
import { EMPTY_BODY, guardJsonRpc, guardRest, refuseDeepNesting, refuseEmptyOrDeep } from "./request-guard.ts";
import { requestedVersion } from "./requested-version.ts";
import { refuseUnsupportedBody, restAnswerType } from "./rest-media-type.ts";

/** Largest request body accepted (prompts may carry diffs and files); larger ones get 413. */
export const MAX_BODY = "4mb";

/**
 * Mounts A2A on the app: the card (public, both well-known paths, shape by A2A-Version: card-routes.ts),
 * JSON-RPC at `/a2a` and HTTP+JSON at `/a2a/rest` (1.0 routes, 0.3 routes under `/v1`), all with 0.3
 * compatibility, all on one request handler. Bodies are parsed here with a larger limit than the SDK's
 * 100 kB and a nesting limit, checked against each method's shape before the SDK sees them
 * (request-guard.ts), and parse/size/shape errors answer in each binding's own error shape; REST answers
 * in the JSON type the client used (rest-media-type.ts), its 401 too.
 */
export function mountA2A(
  server: ServerApp,
  requestHandler: A2ARequestHandler,
  userBuilder: UserBuilder,
  cardModified: () => Date,
): void {
  const legacyCompat = { enabled: true };
  for (const [path, ...handlers] of cardRoutes(requestHandler, cardModified)) server.mountPublic(path, ...handlers);
  server.mountPublic(REST_PATH, restAnswerType);

  // JSON-RPC lives at exactly `/a2a`; deeper paths (the REST binding) pass by.
  const jsonRpc = express.Router();
  jsonRpc.post(
    "/",
    requestedVersion(),
    express.json({ limit: MAX_BODY, verify: refuseEmptyOrDeep }),
    guardJsonRpc,
    jsonRpcHandler({ requestHandler, userBuilder, legacyCompat }),
  );
  jsonRpc.all("/", (_req, res) => {
    res.status(405).set("allow", "POST");
    res.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid request: JSON-RPC takes POST." } });
  });
  jsonRpc.use(jsonRpcBodyErrors);
  server.mount(JSONRPC_PATH, jsonRpc);
  server.mount(
    REST_PATH,
    requestedVersion((req) => (req.path.startsWith("/v1/") ? undefined : "1.0")), // 0.3 routes live under /v1
    refuseUnsupportedBody,
    express.json({
      limit: MAX_BODY,
      type: ["application/json", "application/a2a+json"],
      strict: false,
      verify: refuseDeepNesting,
    }),
    guardRest,
    restHandler({ requestHandler, userBuilder, legacyCompat }),
    restBodyErrors,
  );
}

const jsonRpcBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = statusOfError(error);
  if (status >= 500) return next(error);
  const parseFailed = (error as { type?: string }).type === "entity.parse.failed";
  const code = parseFailed ? -32700 : -32600;
  const message = parseFailed
    ? `Invalid JSON payload${(error as Error).message === EMPTY_BODY ? `: ${EMPTY_BODY}` : ""}.`
    : `Invalid request: ${(error as Error).message}${status === 413 ? ` (limit ${MAX_BODY})` : ""}`;
  res.status(parseFailed ? 200 : status).json({ jsonrpc: "2.0", id: null, error: { code, message } });
};

const restBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = statusOfError(error);
  if (status >= 500) return next(error);
  const detail = status === 413 ? ` (limit ${MAX_BODY})` : "";
  res.status(status).json(toRestErrorBody(new RequestMalformedError(`${(error as Error).message}${detail}`), status));
};
