import type { AgentSkill } from "../bus/agent-card.ts";
import type { AgentRegistry } from "../bus/agent-registry.ts";
import { nodeFetch } from "../provider/node-fetch.ts";

/** What discovery keeps of a peer's A2A agent card. */
export interface PeerCard {
  name: string;
  description: string;
  /** Where to send A2A calls: the card's JSON-RPC (else first HTTP) interface. */
  url: string;
  skills: AgentSkill[];
  version?: string;
}

const CARD_PATHS = ["/.well-known/agent-card.json", "/.well-known/agent.json"];

/** The card URLs to try for a seed: the seed itself when it names a `.json` file, else the origin's well-known paths. */
export function cardUrls(seed: string): string[] {
  const url = new URL(seed);
  if (url.pathname.endsWith(".json")) return [url.href];
  return CARD_PATHS.map((path) => `${url.origin}${path}`);
}

/** Fetches and reads a peer's public agent card (spec 1.0 or 0.3 shape); throws a one-line error. */
export async function fetchPeerCard(
  seed: string,
  options: { timeoutMs?: number; signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<PeerCard> {
  const get = options.fetch ?? fetch;
  const failures: string[] = [];
  for (const url of cardUrls(seed)) {
    const signal = AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 3_000),
      ...(options.signal ? [options.signal] : []),
    ]);
    try {
      const response = await get(url, { headers: { accept: "application/json", "a2a-version": "1.0" }, signal });
      if (!response.ok) {
        failures.push(`${url} answered HTTP ${response.status}`);
        continue;
      }
      return readCard(await response.json(), seed);
    } catch (error) {
      failures.push(`${url}: ${describeFetchError(error)}`);
    }
  }
  throw new Error(failures[0] ?? `no agent card for ${seed}`);
}

interface RawCard {
  name?: unknown;
  description?: unknown;
  version?: unknown;
  url?: unknown;
  supportedInterfaces?: Array<{ url?: unknown; protocolBinding?: unknown }>;
  skills?: Array<{ id?: unknown; name?: unknown; tags?: unknown }>;
}

function readCard(json: unknown, seed: string): PeerCard {
  const card = (json ?? {}) as RawCard;
  if (typeof card.name !== "string" || !card.name) throw new Error(`${seed} served an agent card without a name`);
  const interfaces = Array.isArray(card.supportedInterfaces) ? card.supportedInterfaces : [];
  const httpInterfaces = interfaces.filter((i) => typeof i.url === "string" && /^https?:/.test(i.url));
  const endpoint = httpInterfaces.find((i) => i.protocolBinding === "JSONRPC") ?? httpInterfaces[0];
  const skills = (Array.isArray(card.skills) ? card.skills : [])
    .filter((s) => typeof s.id === "string")
    .map((s) => ({
      id: s.id as string,
      name: typeof s.name === "string" ? s.name : (s.id as string),
      ...(Array.isArray(s.tags) ? { tags: s.tags.filter((t): t is string => typeof t === "string") } : {}),
    }));
  return {
    name: card.name,
    description: typeof card.description === "string" ? card.description : "",
    url: (endpoint?.url as string | undefined) ?? (typeof card.url === "string" ? card.url : seed),
    skills,
    ...(typeof card.version === "string" ? { version: card.version } : {}),
  };
}

/** A failed fetch in a few words: "timed out", "connection refused", else the underlying cause. */
export function describeFetchError(error: unknown): string {
  if ((error as Error).name === "TimeoutError") return "timed out";
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  return cause?.message ?? (error as Error).message;
}

/**
 * Registers a server's own agent in its registry, with the card it serves (read back, so both agree). Over
 * node:http (nodeFetch): the global fetch would load undici into every idle serve just for this one request.
 */
export async function registerOwnCard(registry: AgentRegistry, url: string): Promise<void> {
  const own = await fetchPeerCard(url, { fetch: nodeFetch });
  registry.register({ name: own.name, description: own.description, url: own.url, skills: own.skills });
}
