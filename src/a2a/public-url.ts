import type { CardEndpoints } from "./agent-card.ts";

export const PUBLIC_URL_ENV = "CODETETHER_PUBLIC_URL";
export const PUBLIC_URL_EXPECTED = "must be an http:// or https:// URL without query or fragment";

/** An address clients can reach serve at: http(s), and no query or fragment to append the paths to. */
export function isPublicUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && !url.search && !url.hash;
}

/**
 * The endpoints the card names: serve's own, or with a public URL (`[server] public_url`) its origin and
 * path prefix for HTTP, and its host with serve's gRPC port (a proxy forwards gRPC on the same port).
 * Only configuration sets it: X-Forwarded-* headers are not trusted, so no request can rewrite the card.
 */
export function advertisedEndpoints(own: CardEndpoints, publicUrl: string | undefined): CardEndpoints {
  if (!publicUrl) return own;
  const url = new URL(publicUrl);
  const grpcPort = own.grpcAddress.slice(own.grpcAddress.lastIndexOf(":") + 1);
  return { httpUrl: `${url.origin}${url.pathname}`, grpcAddress: `${url.hostname}:${grpcPort}` };
}
