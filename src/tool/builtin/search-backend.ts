import { z } from "zod";
import { ToolError } from "../../contracts/tool.ts";
import { httpGet } from "./http-get.ts";

/** config.toml `[websearch]`. */
export const websearchSchema = z
  .object({
    provider: z.enum(["searxng", "brave"]),
    url: z.url().optional(),
    api_key_env: z.string().min(1).optional(),
  })
  .strict();

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

const NOT_CONFIGURED =
  'web search is not configured: add to config.toml [websearch] provider = "searxng", url = "http://your-searxng" (or provider = "brave" with BRAVE_API_KEY set)';
const BRAVE_URL = "https://api.search.brave.com/res/v1/web/search";
const TIMEOUT_MS = 20_000;
const MAX_BYTES = 2 * 1024 * 1024;

/** Runs a query on the configured backend. */
export async function search(
  section: unknown,
  query: string,
  limit: number,
  signal: AbortSignal,
): Promise<SearchResult[]> {
  if (section === undefined) throw new ToolError(NOT_CONFIGURED);
  const parsed = websearchSchema.safeParse(section);
  if (!parsed.success)
    throw new ToolError(`invalid [websearch] config: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
  const config = parsed.data;
  if (config.provider === "searxng") {
    if (!config.url)
      throw new ToolError('[websearch] provider = "searxng" needs url = "http://…" of the SearXNG instance');
    const url = new URL("search", config.url.endsWith("/") ? config.url : `${config.url}/`);
    url.searchParams.set("q", query);
    url.searchParams.set("format", "json");
    const data = await getJson(url.href, {}, signal);
    const results = (data.results ?? []) as Array<{ title?: string; url?: string; content?: string }>;
    return results.slice(0, limit).map((r) => ({ title: r.title ?? "", url: r.url ?? "", snippet: r.content ?? "" }));
  }
  const keyEnv = config.api_key_env ?? "BRAVE_API_KEY";
  const key = process.env[keyEnv];
  if (!key) throw new ToolError(`[websearch] provider = "brave" needs an API key in ${keyEnv}`);
  const url = new URL(config.url ?? BRAVE_URL);
  url.searchParams.set("q", query);
  url.searchParams.set("count", String(limit));
  const data = await getJson(url.href, { "x-subscription-token": key }, signal);
  const results = ((data.web as { results?: unknown[] } | undefined)?.results ?? []) as Array<{
    title?: string;
    url?: string;
    description?: string;
  }>;
  return results.slice(0, limit).map((r) => ({ title: r.title ?? "", url: r.url ?? "", snippet: r.description ?? "" }));
}

async function getJson(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const response = await httpGet(url, {
    signal,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    headers: { accept: "application/json", ...headers },
  });
  if (response.status >= 400) throw new ToolError(`search backend answered HTTP ${response.status}`);
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new ToolError("search backend did not answer JSON (for SearXNG, enable the json format in its settings.yml)");
  }
}
