import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Checks an `Authorization` value against the token: scheme `Bearer` (any case), then a constant-time
 * comparison. Both sides are hashed first so that neither the length nor the content leaks through timing.
 */
export function bearerMatches(authorization: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  if (!value) return false;
  const match = /^bearer\s+(\S+)\s*$/i.exec(value);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The reason given with a 401 / UNAUTHENTICATED (the same for a missing, wrong or malformed credential). */
export const UNAUTHENTICATED_MESSAGE = "missing or invalid bearer token (send Authorization: Bearer <token>)";
