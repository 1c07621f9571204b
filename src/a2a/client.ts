import { A2A_PROTOCOL_VERSION, type AgentCard } from "@a2a-js/sdk";
import {
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
  type CallInterceptor,
  type Client,
} from "@a2a-js/sdk/client";
import { GrpcTransportFactory } from "@a2a-js/sdk/client/grpc";

export type TransportName = "JSONRPC" | "HTTP+JSON" | "GRPC";

export interface ConnectOptions {
  /** Bearer token for the peer (sent on every call, and on the card request). */
  token?: string;
  /** Use this binding instead of the card's preferred one. */
  transport?: TransportName;
  /** Ends the card request (a delegation's time limit or abort). */
  signal?: AbortSignal;
}

export interface Connection {
  client: Client;
  card: AgentCard;
  /** The binding the client talks (`JSONRPC`, `HTTP+JSON`, `GRPC`) and its spec version. */
  transport: string;
  protocolVersion: string;
}

/**
 * Connects to any A2A agent (spec 1.0 or 0.3, JSON-RPC, REST or gRPC) from its URL: the card is read
 * from the URL itself when it names a `.json` file, else from the origin's well-known paths (the new
 * one, then the 0.3-era `agent.json`); the SDK then picks a transport the card offers.
 */
export async function connectA2A(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const fetchImpl = authorizedFetch(options.token);
  // Ask for the 1.0 card; a 0.3-only agent ignores the header and its card is translated.
  const cardFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("a2a-version")) headers.set("a2a-version", A2A_PROTOCOL_VERSION);
    return fetchImpl(input, { ...init, headers, signal: options.signal ?? init?.signal });
  };
  const resolver = new DefaultAgentCardResolver({ fetchImpl: cardFetch, legacyCompat: LEGACY_COMPAT });
  return clientFromCard(await resolveCard(resolver, url), options);
}

/** A client for an agent whose card is already in hand: the SDK picks a transport the card offers. */
export async function clientFromCard(card: AgentCard, options: ConnectOptions = {}): Promise<Connection> {
  const fetchImpl = authorizedFetch(options.token);
  const factory = new ClientFactory({
    transports: [
      new JsonRpcTransportFactory({ fetchImpl, legacyCompat: LEGACY_COMPAT }),
      new RestTransportFactory({ fetchImpl, legacyCompat: LEGACY_COMPAT }),
      new GrpcTransportFactory({ legacyCompat: LEGACY_COMPAT }),
    ],
    preferredTransports: options.transport ? [options.transport] : undefined,
    clientConfig: { interceptors: options.token ? [bearerInterceptor(`Bearer ${options.token}`)] : [] },
  });
  const client = await factory.createFromAgentCard(card);
  return { client, card, transport: client.transport.protocolName, protocolVersion: client.protocolVersion };
}

const LEGACY_COMPAT = { enabled: true };

/** `fetch` with the bearer credential on every request that has none. */
function authorizedFetch(token: string | undefined): typeof fetch {
  if (!token) return fetch;
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

async function resolveCard(resolver: DefaultAgentCardResolver, url: string): Promise<AgentCard> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  // The card is fetched over HTTP; it names the other interfaces (gRPC's dns:/// address among them).
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`${url}: give the agent's http(s) address (its card there names its gRPC interface)`);
  if (parsed.pathname.endsWith(".json")) return resolver.resolve(url, "");
  const failures: string[] = [];
  for (const path of ["/.well-known/agent-card.json", "/.well-known/agent.json"]) {
    try {
      return await resolver.resolve(parsed.origin, path);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(`no agent card at ${parsed.origin}: ${failures[0]}`);
}

/** Adds the bearer credential to every call: HTTP headers for JSON-RPC/REST, metadata for gRPC. */
function bearerInterceptor(authorization: string): CallInterceptor {
  return {
    before: async (args) => {
      args.options = { ...args.options, serviceParameters: { ...args.options?.serviceParameters, authorization } };
    },
    after: async () => {},
  };
}
