import { ToolError } from "../../contracts/tool.ts";

export interface HttpGetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  /** Checks each URL before it is requested, the first and every redirect's; throws to refuse it. */
  beforeHop?: (url: URL, hop: number) => Promise<void>;
}

const MAX_REDIRECTS = 10;

/** GETs a URL with a time limit and a size cap (checked on the header and while streaming). */
export async function httpGet(
  url: string,
  options: HttpGetOptions,
): Promise<{ body: string; contentType: string; status: number }> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  const response = await follow(url, options, signal);
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    throw new ToolError(`${url} is ${declared} bytes; the limit is ${options.maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > options.maxBytes) throw new ToolError(`${url} is larger than the ${options.maxBytes}-byte limit`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(describeFetchError(url, error, options.timeoutMs));
  }
  return {
    body: Buffer.concat(chunks).toString("utf8"),
    contentType: response.headers.get("content-type") ?? "",
    status: response.status,
  };
}

/** Requests `url`, following redirects one hop at a time so that each is checked before it is requested. */
async function follow(url: string, options: HttpGetOptions, signal: AbortSignal): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    await options.beforeHop?.(current, hop);
    let response: Response;
    try {
      response = await fetch(current, { signal, redirect: "manual", headers: options.headers });
    } catch (error) {
      throw new ToolError(describeFetchError(current.href, error, options.timeoutMs));
    }
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw new ToolError(`${url} redirected more than ${MAX_REDIRECTS} times`);
    current = new URL(location, current);
    if (current.protocol !== "http:" && current.protocol !== "https:")
      throw new ToolError(`${url} redirected to ${current.protocol} URL, which cannot be fetched`);
  }
}

function describeFetchError(url: string, error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `${url} did not answer within ${timeoutMs / 1000} s`;
  if (e.name === "AbortError") return "aborted";
  return `cannot fetch ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
}
