// A small HashiCorp Vault stand-in speaking the KV v2 secrets engine's HTTP API, for the secrets client's tests.
// Secrets are keyed "{mount}/{path}" (e.g. "secret/codetether/providers/openai"); the mount is the first segment.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface VaultOptions {
  /** The only token accepted, via `X-Vault-Token` or `Authorization: Bearer`. */
  token: string;
  secrets?: Record<string, Record<string, unknown>>;
}

export interface VaultRequest {
  method: string;
  path: string;
  token: string | undefined;
}

export interface FakeVault {
  /** Base URL without a path, as VAULT_ADDR would hold it, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: VaultRequest[];
  /** The current data of a secret, as written by tests or clients. */
  read(key: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

interface StoredSecret {
  data: Record<string, unknown>;
  version: number;
  createdTime: string;
}

const KV_PATH = /^\/v1\/([^/]+)\/data\/(.+)$/;

export async function startVault(options: VaultOptions): Promise<FakeVault> {
  const store = new Map<string, StoredSecret>();
  const requests: VaultRequest[] = [];
  for (const [key, data] of Object.entries(options.secrets ?? {})) write(store, key, data);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { errors: [String(error)] }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://vault");
    const token = tokenOf(req);
    requests.push({ method: req.method ?? "GET", path: url.pathname, token });

    if (url.pathname === "/v1/sys/health") return send(res, 200, { initialized: true, sealed: false, standby: false });
    if (token !== options.token) return send(res, 403, { errors: ["permission denied"] });
    const match = KV_PATH.exec(url.pathname);
    if (match === null) return send(res, 404, { errors: [] });
    const key = `${match[1]}/${match[2]}`;

    if (req.method === "GET") {
      const secret = store.get(key);
      if (secret === undefined) return send(res, 404, { errors: [] });
      return send(res, 200, envelope({ data: secret.data, metadata: metadata(secret) }));
    }
    if (req.method === "POST" || req.method === "PUT") {
      const data = parseWrite(body);
      if (data === undefined) return send(res, 400, { errors: ['no data provided: the body must be {"data": {...}}'] });
      return send(res, 200, envelope(metadata(write(store, key, data))));
    }
    send(res, 405, { errors: [`unsupported operation ${req.method}`] });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    read: (key) => store.get(key)?.data,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes a new version of a secret, as KV v2 does on every write. */
function write(store: Map<string, StoredSecret>, key: string, data: Record<string, unknown>): StoredSecret {
  const secret = { data, version: (store.get(key)?.version ?? 0) + 1, createdTime: new Date().toISOString() };
  store.set(key, secret);
  return secret;
}

function metadata(secret: StoredSecret) {
  return {
    created_time: secret.createdTime,
    custom_metadata: null,
    deletion_time: "",
    destroyed: false,
    version: secret.version,
  };
}

/** Vault's response envelope around `data`. */
function envelope(data: unknown) {
  return {
    request_id: crypto.randomUUID(),
    lease_id: "",
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
  };
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers["x-vault-token"];
  if (typeof header === "string") return header;
  const auth = req.headers.authorization;
  return auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined;
}

function parseWrite(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || !("data" in parsed)) return undefined;
    const { data } = parsed;
    return typeof data === "object" && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
