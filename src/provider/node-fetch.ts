import { request as httpRequest, type IncomingMessage, type RequestOptions, type ClientRequest } from "node:http";
import { createRequire } from "node:module";
import { pipeline, Readable } from "node:stream";
import { Headers } from "./light-headers.ts";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** How a connection the server had closed answers a request written to it ("socket hang up" is ECONNRESET). */
const RESET = new Set(["ECONNRESET", "EPIPE"]);
/** As undici's header and body timeouts: a connection silent this long is dead. */
const IDLE_TIMEOUT_MS = 300_000;

const sentListeners = new Set<() => void>();

/**
 * Calls `listener` once the next request sent here has been written out: work put off until then runs
 * while the answer is awaited (a one-shot run opens its durable logs so; see DeferredRecorder).
 */
export function onceRequestSent(listener: () => void): void {
  sentListeners.add(listener);
}

function requestSent(): void {
  const listeners = [...sentListeners];
  sentListeners.clear();
  for (const listener of listeners) listener();
}

type Send = (url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;

/**
 * `fetch` for the model providers' requests, on node:http(s). Node's global fetch (undici) costs ~20 ms
 * and ~25 MiB to load and warm on first use, most of a one-shot run's network time against a local
 * model. What the AI SDK relies on is kept: status, headers, a web stream body, `text`/`json`/
 * `arrayBuffer`, connection failures as `TypeError("fetch failed", { cause })`, the signal's reason on
 * abort, same-origin redirects. A redirect to another origin is refused rather than followed with the
 * API key; request shapes it does not handle (Request objects, form data) go to the global fetch.
 */
export async function nodeFetch(input: string | URL | globalThis.Request, init: RequestInit = {}): Promise<Response> {
  const body = init.body ?? undefined;
  if (
    (typeof input !== "string" && !(input instanceof URL)) ||
    (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array))
  ) {
    return globalThis.fetch(input, init);
  }
  const headers = Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0]));
  const method = (init.method ?? "GET").toUpperCase();
  return send({ url: new URL(input), method, headers, body, signal: init.signal ?? undefined }, 0);
}

/** One request to send: sent again as is on a fresh connection, and (changed as fetch does) to a redirect. */
interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

async function send(outgoing: Outgoing, redirects: number): Promise<Response> {
  const { url, method, body, signal } = outgoing;
  const request = await requestFor(url);
  signal?.throwIfAborted(); // also covers an abort while node:https was loading
  const exchange = (pooled: boolean) => respond(request, outgoing, pooled);
  const res = await exchange(true).catch((error: unknown) => {
    if (!(error instanceof StaleConnection)) throw error;
    return exchange(false);
  });
  const location = res.headers.location;
  if (REDIRECTS.has(res.statusCode ?? 0) && location) {
    res.resume();
    const next = new URL(location, url);
    // Not TypeErrors ("fetch failed" is a network error the AI SDK retries): a redirect will not change.
    if (next.origin !== url.origin)
      throw new Error(`${url.origin} redirects to ${next.origin}; use that address as base_url`);
    if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url.href}`);
    const keepsBody = res.statusCode === 307 || res.statusCode === 308;
    return send(
      {
        ...outgoing,
        url: next,
        method: keepsBody ? method : method === "HEAD" ? "HEAD" : "GET",
        body: keepsBody ? body : undefined,
      },
      redirects + 1,
    );
  }
  return toResponse(res, url, signal);
}

/** The server had closed the idle pooled connection a request went out on: the request never reached it. */
class StaleConnection extends Error {}

/**
 * One request and its response head. On a pooled connection, Node drops an idle connection a second before the
 * server's announced keep-alive timeout; if our event loop was busy longer than that (a stall under load, a heap
 * snapshot), the request can go out on a connection the server has already closed, and is reset unread. That is
 * a StaleConnection, sent once more on a new connection (Node's advice for `reusedSocket`, what browsers do): the
 * requests sent here (model calls, listings, cards) change nothing at the server, so repeating one is safe.
 */
function respond(request: Send, outgoing: Outgoing, pooled: boolean): Promise<IncomingMessage> {
  const { url, method, headers, body, signal } = outgoing;
  const length =
    body === undefined
      ? {}
      : { "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) };
  const options: RequestOptions = { method, headers: { ...headers, ...length }, ...(pooled ? {} : { agent: false }) };
  const { req, head } = start(request, url, options, signal, pooled);
  // Written here, not in start: its listeners live as long as a streamed answer, and a closure sharing a scope with
  // the body would keep the whole prompt (tens of KB in a long session) in memory that long.
  req.end(body);
  return head;
}

/** Opens the request with the listeners that settle its response head; the caller writes the body. */
function start(
  request: Send,
  url: URL,
  options: RequestOptions,
  signal: AbortSignal | undefined,
  pooled: boolean,
): { req: ClientRequest; head: Promise<IncomingMessage> } {
  let req!: ClientRequest;
  const head = new Promise<IncomingMessage>((resolve, reject) => {
    const onAbort = () => req.destroy(signal!.reason as Error);
    // Once the response is here, an abort ends its body instead (see toResponse).
    req = request(url, options, (res) => {
      signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new Error(`${url.host} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s`)),
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) reject(signal.reason);
      else if (pooled && req.reusedSocket && RESET.has(error.code ?? "")) reject(new StaleConnection());
      else reject(new TypeError("fetch failed", { cause: error }));
    });
    if (sentListeners.size) req.once("finish", requestSent);
  });
  return { req, head };
}

async function requestFor(url: URL): Promise<Send> {
  if (url.protocol === "http:") return httpRequest;
  if (url.protocol === "https:") return (await import("node:https")).request; // TLS is loaded only for https
  throw new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) });
}

function toResponse(res: IncomingMessage, url: URL, signal: AbortSignal | undefined): Response {
  const status = res.statusCode ?? 0;
  if (signal?.aborted) res.destroy(signal.reason as Error);
  else if (signal) {
    const onAbort = () => res.destroy(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    res.once("close", () => signal.removeEventListener("abort", onAbort));
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const item of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, item);
  }
  const content = decoded(res);
  let web: ReadableStream<Uint8Array> | undefined;
  const bytes = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const response = {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? "",
    headers,
    url: url.href,
    redirected: false,
    type: "basic",
    get body() {
      if (status === 204 || status === 304) return null;
      return (web ??= Readable.toWeb(content) as ReadableStream<Uint8Array>);
    },
    arrayBuffer: async () => {
      const buffer = await bytes();
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    },
    text: async () => (await bytes()).toString("utf8"),
    json: async () => JSON.parse((await bytes()).toString("utf8")) as unknown,
  };
  return response as unknown as Response;
}

/** We ask for no compression; a server that compresses anyway is decoded (zlib loads only then). */
function decoded(res: IncomingMessage): Readable {
  const encoding = res.headers["content-encoding"]?.trim().toLowerCase();
  if (!encoding || encoding === "identity") return res;
  const zlib = createRequire(import.meta.url)("node:zlib") as typeof import("node:zlib");
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  // pipeline passes an error of the response on to the decoder, where whoever reads the body sees it.
  return pipeline(res, decoder, () => {});
}
