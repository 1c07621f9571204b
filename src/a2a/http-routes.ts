import { AgentCard as AgentCardJson, type AgentCard } from "@a2a-js/sdk";
import { legacyAgentCardRouter } from "@a2a-js/sdk/compat/v0_3/server/express";
import { RequestMalformedError, toRestErrorBody } from "@a2a-js/sdk/errors";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import { agentCardHandler, jsonRpcHandler, restHandler, type UserBuilder } from "@a2a-js/sdk/server/express";
import express, { type ErrorRequestHandler } from "express";
import type { ServerApp } from "../server/app.ts";
import { statusOfError } from "../server/http-error.ts";
import { JSONRPC_PATH, REST_PATH } from "./agent-card.ts";

/** Largest request body accepted (prompts may carry diffs and files); larger ones get 413. */
export const MAX_BODY = "4mb";
export const CARD_PATHS = ["/.well-known/agent-card.json", "/.well-known/agent.json"];

/**
 * Mounts A2A on the app: the card (public, both well-known paths, shape by A2A-Version), JSON-RPC at
 * `/a2a` and HTTP+JSON at `/a2a/rest` (1.0 routes, 0.3 routes under `/v1`), all with 0.3 compatibility,
 * all on one request handler. Bodies are parsed here with a larger limit than the SDK's 100 kB, and
 * parse/size errors answer in each binding's own error shape.
 */
export function mountA2A(server: ServerApp, requestHandler: A2ARequestHandler, userBuilder: UserBuilder): void {
  const legacyCompat = { enabled: true };
  // 0.3 requests (no A2A-Version) get the translated card; the SDK's 1.0 handler sends the card object as
  // is (oneofs as `$case`), so it is given the ProtoJSON form the 1.0 spec puts on the wire.
  const protoJsonCard = async () => AgentCardJson.toJSON(await requestHandler.getAgentCard()) as AgentCard;
  for (const path of CARD_PATHS) {
    server.mountPublic(path, legacyAgentCardRouter({ agentCardProvider: requestHandler }), agentCardHandler({ agentCardProvider: protoJsonCard }));
  }

  // JSON-RPC lives at exactly `/a2a`; deeper paths (the REST binding) pass by.
  const jsonRpc = express.Router();
  jsonRpc.all("/", express.json({ limit: MAX_BODY }), jsonRpcHandler({ requestHandler, userBuilder, legacyCompat }));
  jsonRpc.use(jsonRpcBodyErrors);
  server.mount(JSONRPC_PATH, jsonRpc);
  server.mount(REST_PATH, express.json({ limit: MAX_BODY, type: ["application/json", "application/a2a+json"], strict: false }), restHandler({ requestHandler, userBuilder, legacyCompat }), restBodyErrors);
}

const jsonRpcBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = statusOfError(error);
  if (status >= 500) return next(error);
  const parseFailed = (error as { type?: string }).type === "entity.parse.failed";
  const code = parseFailed ? -32700 : -32600;
  const message = parseFailed ? "Invalid JSON payload." : `Invalid request: ${(error as Error).message}${status === 413 ? ` (limit ${MAX_BODY})` : ""}`;
  res.status(parseFailed ? 200 : status).json({ jsonrpc: "2.0", id: null, error: { code, message } });
};

const restBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = statusOfError(error);
  if (status >= 500) return next(error);
  const detail = status === 413 ? ` (limit ${MAX_BODY})` : "";
  res.status(status).json(toRestErrorBody(new RequestMalformedError(`${(error as Error).message}${detail}`), status));
};
