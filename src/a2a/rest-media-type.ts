import { ContentTypeNotSupportedError, toRestErrorBody } from "@a2a-js/sdk/errors";
import type { Request, RequestHandler } from "express";

const JSON_TYPE = "application/json";
const A2A_TYPE = "application/a2a+json";

function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(";", 1)[0]!.trim().toLowerCase() || undefined;
}

/** The 0.3 routes (`/v1/…`) answer `application/json`, the only JSON type 0.3 knows. */
function isLegacy(req: Request): boolean {
  return req.path.startsWith("/v1/");
}

/**
 * The JSON type REST answers in: the request's own (`application/json` in, `application/json` out),
 * else for a body-less request what `Accept` prefers, else `application/a2a+json` (spec 1.0.1 §11.1).
 */
function answerType(req: Request): string {
  const sent = mediaTypeOf(req.header("content-type"));
  if (sent) return sent === JSON_TYPE ? JSON_TYPE : A2A_TYPE;
  return req.accepts([A2A_TYPE, JSON_TYPE]) === JSON_TYPE ? JSON_TYPE : A2A_TYPE;
}

/**
 * Makes every JSON answer of a 1.0 REST request (results and AIP-193 errors alike, the SDK's, the guards'
 * and the 401/404 of the app around it) carry the JSON type the client used. Handlers set their own
 * Content-Type freely; it is settled when the head is written. Event streams keep theirs.
 */
export const restAnswerType: RequestHandler = (req, res, next) => {
  if (isLegacy(req)) return next();
  const type = answerType(req);
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
    const current = mediaTypeOf(res.getHeader("content-type")?.toString());
    if (current === JSON_TYPE || current === A2A_TYPE) res.setHeader("Content-Type", `${type}; charset=utf-8`);
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
};

/** A request body of a type other than JSON gets 415 with the AIP-193 body (the SDK would answer 400). */
export const refuseUnsupportedBody: RequestHandler = (req, res, next) => {
  const sent = mediaTypeOf(req.header("content-type"));
  if (!sent || sent === JSON_TYPE || sent === A2A_TYPE) return next();
  const error = new ContentTypeNotSupportedError(
    `Unsupported Content-Type "${req.header("content-type")}"; send ${A2A_TYPE} or ${JSON_TYPE}.`,
  );
  res.status(415).json(toRestErrorBody(error, 415));
};
