import { createHash } from "node:crypto";

/**
 * Who made an API call, without writing any credential: `token:<12 hex of its SHA-256>` for a caller
 * that passed authentication with a bearer token, else `peer:<address>`.
 */
export function apiActor(
  authorization: string | string[] | undefined,
  authenticated: boolean,
  peer: string | undefined,
): string {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const token = value && /^bearer\s+(\S+)\s*$/i.exec(value)?.[1];
  if (authenticated && token) return `token:${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
  return `peer:${peer ?? "unknown"}`;
}
