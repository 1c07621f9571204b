import express, { type RequestHandler } from "express";
import { sendHttpError } from "../contracts/http-error.ts";

/**
 * The JSON body parser of a `/v1` route, and a 415 for a body sent as another type (curl -d sends a form):
 * the parser leaves such a body unread, and the route would run as if no field had been given.
 */
export function jsonBody(limit: string): RequestHandler[] {
  return [
    express.json({ limit }),
    (req, res, next) => {
      const sent = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
      if (req.body === undefined && sent)
        return sendHttpError(res, 415, "send the body as JSON (Content-Type: application/json)");
      next();
    },
  ];
}
