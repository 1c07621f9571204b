import { RequestMalformedError, toRestErrorBody } from "@a2a-js/sdk/errors";
import type { RequestHandler } from "express";
import { z } from "zod";
import { escapeForLog } from "../util/log-escape.ts";
import { paramsProblem, PARAMS, REST_BODIES } from "./request-params.ts";

/** Deepest nesting of arrays and objects a request body may have; A2A requests need a handful of levels. */
export const MAX_DEPTH = 64;

/**
 * `express.json`'s `verify` hook: refuses a body nested deeper than MAX_DEPTH before it is parsed, so a
 * hostile `[[[[…]]]]` never reaches code that recurses over it (serializing it again would overflow the stack).
 */
export function refuseDeepNesting(_req: unknown, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_DEPTH)
        throw Object.assign(new Error(`nested deeper than ${MAX_DEPTH} levels`), { status: 400 });
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
}

/** The error JSON-RPC's body parser reports for an empty body; the JSON parser alone would read it as {}. */
export const EMPTY_BODY = "the body is empty";

/** JSON-RPC's `verify` hook: an empty body (with or without Content-Length) is a parse error, then as above. */
export function refuseEmptyOrDeep(req: unknown, res: unknown, body: Buffer): void {
  if (body.length === 0) throw Object.assign(new Error(EMPTY_BODY), { status: 400, type: "entity.parse.failed" });
  refuseDeepNesting(req, res, body);
}

const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

type RpcId = string | number | null;

/** Longest string id accepted: ids are echoed in answers and quoted in logs. */
const MAX_ID_LENGTH = 256;

/** A string, integer or null id; a string id without control characters (it may reach a log line). */
function validId(id: unknown): id is RpcId {
  if (typeof id === "string") return id.length <= MAX_ID_LENGTH && escapeForLog(id) === id;
  return (typeof id === "number" && Number.isInteger(id)) || id === null;
}

/**
 * Checks a parsed JSON-RPC request before the SDK sees it: an invalid envelope is answered -32600 with
 * id `null` (the id cannot be trusted), params of the wrong shape -32602 with the request's id, and a
 * notification (no id) gets no response at all (204): A2A has no notification methods, so none is run.
 */
export const guardJsonRpc: RequestHandler = (req, res, next) => {
  if (req.body === undefined) return next(); // not JSON: the SDK answers the content type
  const request = req.body as Record<string, unknown> | null;
  const fail = (id: RpcId, code: number, message: string) =>
    void res.json({ jsonrpc: "2.0", id, error: { code, message } });
  if (typeof request !== "object" || request === null || Array.isArray(request))
    return fail(null, INVALID_REQUEST, "Invalid request: a JSON-RPC request must be an object.");
  if (!("id" in request) || !validId(request.id)) {
    const envelopeOk = request.jsonrpc === "2.0" && typeof request.method === "string";
    if (!("id" in request) && envelopeOk) return void res.status(204).end();
    return fail(
      null,
      INVALID_REQUEST,
      "Invalid request: id must be a string (printable, at most 256 characters), an integer or null.",
    );
  }
  if (request.jsonrpc !== "2.0" || typeof request.method !== "string") return next(); // the SDK answers these
  const schema = PARAMS[request.method];
  const problem = schema && paramsProblem(schema, request.params);
  if (problem) return fail(request.id, INVALID_PARAMS, `Invalid params: ${problem}`);
  next();
};

const anyObject = z.record(z.string(), z.unknown());

/**
 * Checks a REST request body before the SDK sees it: a JSON object (when there is a body), of its
 * route's shape where the route takes one; else 400 with the AIP-193 body.
 */
export const guardRest: RequestHandler = (req, res, next) => {
  if (req.body === undefined) return next();
  const route = REST_BODIES.find((candidate) => candidate.path.test(req.path));
  const legacy = req.path.startsWith("/v1/");
  const schema = route ? (legacy ? route.legacy : route.current) : anyObject;
  const problem = paramsProblem(schema, req.body);
  if (!problem) return next();
  res.status(400).json(toRestErrorBody(new RequestMalformedError(`Invalid request body: ${problem}`), 400));
};
