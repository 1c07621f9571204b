import type { Config, ProviderConfig } from "../config/schema.ts";
import { resolveCredentials } from "../secrets/credentials.ts";
import { PROVIDERS, type ProviderInfo } from "./catalog.ts";
import { displayUrl } from "../util/display-url.ts";
import { nodeFetch } from "./node-fetch.ts";

/** A custom provider's `/models` endpoint gets this long before its configured model is listed alone. */
const ENDPOINT_TIMEOUT_MS = 3000;

export interface ListedModel {
  /** `provider/model`, as `-m` takes it. */
  ref: string;
  contextWindow?: number;
  /** US dollars per million tokens. */
  inputPrice?: number;
  outputPrice?: number;
}

export interface ProviderListing {
  provider: string;
  custom: boolean;
  /** Where its key comes from (`env:OPENAI_API_KEY`, `vault:…`), or `none`. */
  key: string;
  baseUrl?: string;
  models: ListedModel[];
  /** Why the models could not be listed from the provider's endpoint (its configured model is listed). */
  error?: string;
}

/**
 * The models of every provider that can be used (a key found, or a [providers.<id>] table), or of every
 * known provider with `all`: the catalog's, the configured model, and for custom OpenAI-compatible
 * providers what their `/models` endpoint lists.
 */
export async function listModels(
  config: Config,
  options: { all?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<ProviderListing[]> {
  const env = options.env ?? process.env;
  const builtins = PROVIDERS.map((info) => builtinListing(info, config.providers[info.id], env));
  const listings = await Promise.all([...builtins, ...customListings(config, env)]);
  return listings.filter((l) => options.all || l.custom || l.key !== "none" || config.providers[l.provider]);
}

/** The custom OpenAI-compatible providers of config.toml, with what their `/models` endpoints list. */
export function customListings(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<ProviderListing>[] {
  return Object.entries(config.providers)
    .filter(([id, p]) => p.type === "openai-compatible" && !PROVIDERS.some((info) => info.id === id))
    .map(([id, p]) => customListing(id, p, env));
}

async function builtinListing(
  info: ProviderInfo,
  config: ProviderConfig | undefined,
  env: NodeJS.ProcessEnv,
): Promise<ProviderListing> {
  const key = await keySource(info.id, info, config, env);
  const models: ListedModel[] = info.models.map((m) => ({
    ref: `${info.id}/${m.id}`,
    contextWindow: m.contextWindow,
    inputPrice: m.inputPrice,
    outputPrice: m.outputPrice,
  }));
  if (config?.model && !info.models.some((m) => m.id === config.model))
    models.push({ ref: `${info.id}/${config.model}`, contextWindow: config.context_window });
  return { provider: info.id, custom: false, key, baseUrl: config?.base_url ?? info.baseURL, models };
}

async function customListing(id: string, config: ProviderConfig, env: NodeJS.ProcessEnv): Promise<ProviderListing> {
  const credentials = await resolveCredentials(id, undefined, config, env).catch(() => ({
    apiKey: undefined,
    source: "none",
  }));
  const listing: ProviderListing = {
    provider: id,
    custom: true,
    key: credentials.source,
    baseUrl: config.base_url && displayUrl(config.base_url),
    models: [],
  };
  let ids: string[] = [];
  if (config.base_url) {
    try {
      ids = await endpointModels(config.base_url, credentials.apiKey);
    } catch (error) {
      const { message, cause } = error as Error & { cause?: { code?: string } };
      listing.error = `cannot list ${displayUrl(config.base_url)}/models: ${cause?.code ?? message}`;
    }
  }
  if (config.model && !ids.includes(config.model)) ids.unshift(config.model);
  listing.models = ids.map((model) => ({ ref: `${id}/${model}`, contextWindow: config.context_window }));
  return listing;
}

/** The ids an OpenAI-compatible `GET /models` lists (`{ data: [{ id }] }`). */
async function endpointModels(baseUrl: string, apiKey: string | undefined): Promise<string[]> {
  const response = await nodeFetch(`${baseUrl.replace(/\/+$/, "")}/models`, {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    signal: AbortSignal.timeout(ENDPOINT_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
  if (!Array.isArray(body.data)) throw new Error("no data array in the answer");
  return body.data
    .map((m) => m.id)
    .filter((m): m is string => typeof m === "string")
    .sort();
}

async function keySource(
  id: string,
  info: ProviderInfo,
  config: ProviderConfig | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (info.kind === "bedrock") return env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE ? "aws" : "none";
  return (await resolveCredentials(id, info, config, env).catch(() => ({ source: "none" }))).source;
}
