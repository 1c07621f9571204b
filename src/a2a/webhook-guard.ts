import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPrivateAddress } from "../util/private-address.ts";

/**
 * Why a webhook URL is refused when a client registers it, or undefined: only http(s), and (unless
 * private delivery is allowed) every address its host resolves to must be public.
 */
export async function webhookRefusal(url: string, allowPrivate: boolean): Promise<string | undefined> {
  const refusal = urlRefusal(url, allowPrivate);
  if (refusal || allowPrivate) return refusal;
  const host = webhookHost(url);
  if (isIP(host)) return undefined;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `push notification host does not resolve: ${host}`;
  }
  const blocked = addresses.find(isPrivateAddress);
  return blocked ? privateRefusal(url, blocked) : undefined;
}

/**
 * What the URL alone tells: http(s) only, and no private address written into it. Names are checked
 * when a notification is sent by the connection's own lookup (publicOnlyLookup), not by a lookup before it.
 */
export function urlRefusal(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `push notification url is not a valid URL: ${url}`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return `push notification url must be http or https: ${url}`;
  const host = webhookHost(url);
  return !allowPrivate && isIP(host) && isPrivateAddress(host) ? privateRefusal(url, host) : undefined;
}

function webhookHost(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, "");
}

function privateRefusal(url: string, address: string): string {
  return `push notification url ${url} points at a private or loopback address (${address}); set [server] allow_private_push = true to allow it`;
}
