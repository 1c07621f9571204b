import { ToolError } from "../tool.ts";

export interface HttpGetOptions {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
}

/** GETs a URL with a time limit and a size cap (checked on the header and while streaming). */
export async function httpGet(url: string, options: HttpGetOptions): Promise<{ body: string; contentType: string; status: number }> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: "follow", headers: options.headers });
  } catch (error) {
    throw new ToolError(describeFetchError(url, error, options.timeoutMs));
  }
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
  return { body: Buffer.concat(chunks).toString("utf8"), contentType: response.headers.get("content-type") ?? "", status: response.status };
}

function describeFetchError(url: string, error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `${url} did not answer within ${timeoutMs / 1000} s`;
  if (e.name === "AbortError") return "aborted";
  return `cannot fetch ${url}: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
}
