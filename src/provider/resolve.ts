import type { LanguageModel } from "ai";
import type { Config, ProviderConfig } from "../config/schema.ts";
import { resolveCredentials, envKeyNames, type Credentials } from "../secrets/credentials.ts";
import { vaultFromEnv } from "../secrets/vault.ts";
import { UserError } from "../contracts/errors.ts";
import { nodeFetch } from "./node-fetch.ts";
import {
  DEFAULT_CONTEXT_WINDOW,
  PROVIDERS,
  findModel,
  findProvider,
  type ModelInfo,
  type ProviderInfo,
  type ProviderKind,
} from "./catalog.ts";

export interface ResolvedModel {
  /** `provider/model`. */
  ref: string;
  providerId: string;
  modelId: string;
  kind: ProviderKind;
  info?: ModelInfo;
  contextWindow: number;
  language: LanguageModel;
}

/** Splits `provider/model` on the first slash (model ids may contain slashes, e.g. openrouter's). */
export function parseModelRef(ref: string): { providerId: string; modelId?: string } {
  const slash = ref.indexOf("/");
  if (slash < 0) return { providerId: ref };
  const modelId = ref.slice(slash + 1);
  return { providerId: ref.slice(0, slash), modelId: modelId || undefined };
}

/**
 * Picks the model for a run: `-m provider/model`, else config `[default]`, else the first built-in
 * provider that has a key (the seed's default, moonshotai, first). Throws first-run guidance when none.
 */
export async function resolveModel(ref: string | undefined, config: Config, env = process.env): Promise<ResolvedModel> {
  const chosen = ref ?? (await defaultOrFirstWithKey(config, env));
  if (!chosen) throw new UserError(noProviderGuidance(), 2);
  const { providerId, modelId: requested } = parseModelRef(chosen);
  checkProvider(providerId, chosen, config);
  const info = findProvider(providerId);
  const providerConfig = config.providers[providerId];
  const modelId = requested ?? providerConfig?.model ?? info?.defaultModel;
  if (!modelId)
    throw new UserError(
      `no model given for provider '${providerId}': use -m ${providerId}/<model> or set providers.${providerId}.model`,
    );
  const credentials = await resolveCredentials(providerId, info, providerConfig, env);
  const kind: ProviderKind = info?.kind ?? "openai-compatible";
  if (!credentials.apiKey && kind !== "bedrock" && !(providerConfig?.type && providerConfig.base_url)) {
    throw new UserError(missingKeyMessage(providerId, info, providerConfig), 2);
  }
  const modelInfo = findModel(info, modelId);
  return {
    ref: `${providerId}/${modelId}`,
    providerId,
    modelId,
    kind,
    info: modelInfo,
    contextWindow: providerConfig?.context_window ?? modelInfo?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
    language: await cachedLanguageModel(kind, providerId, modelId, info, providerConfig, credentials, env),
  };
}

/** A one-line error unless `providerId` (of model `ref`) is built in or a `[providers]` table of its own kind. */
export function checkProvider(providerId: string, ref: string, config: Pick<Config, "providers">): void {
  if (findProvider(providerId) || config.providers[providerId]?.type === "openai-compatible") return;
  // A built-in with a [providers.<id>] table (e.g. a base_url override) is one provider, listed once.
  const known = [...new Set([...PROVIDERS.map((p) => p.id), ...Object.keys(config.providers)])].join(", ");
  throw new UserError(`unknown provider '${providerId}' in model '${ref}' (known: ${known})`);
}

/**
 * Model instances are stateless, but building one builds its response schemas (zod), a few percent of
 * a task's CPU in serve: a process reuses the instance for the same provider, model, endpoint and key.
 * Bounded, since keys may rotate.
 */
const languageModels = new Map<string, LanguageModel>();
const MAX_CACHED_MODELS = 16;

async function cachedLanguageModel(...args: Parameters<typeof createLanguageModel>): Promise<LanguageModel> {
  const [kind, providerId, modelId, info, config, credentials, env] = args;
  const key = JSON.stringify([
    kind,
    providerId,
    modelId,
    baseUrlOf(info, config, credentials),
    credentials.apiKey,
    kind === "bedrock" ? env.AWS_REGION : "",
    config?.store,
  ]);
  let model = languageModels.get(key);
  if (!model) {
    model = await createLanguageModel(...args);
    if (languageModels.size >= MAX_CACHED_MODELS) languageModels.clear();
    languageModels.set(key, model);
  }
  return model;
}

/** The model `[default]` names (`provider/model`, or a provider alone), if any. */
export function defaultModelRef(config: Config): string | undefined {
  const { provider, model } = config.default;
  if (model?.includes("/")) return model;
  if (provider) return model ? `${provider}/${model}` : provider;
  return undefined;
}

/** The model a run without `-m` uses: `[default]`'s, else the first provider with a key (maybe a provider alone). */
export async function defaultOrFirstWithKey(config: Config, env = process.env): Promise<string | undefined> {
  return defaultModelRef(config) ?? (await firstProviderWithKey(config, env));
}

async function firstProviderWithKey(config: Config, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const custom = Object.entries(config.providers).find(([, p]) => p.type === "openai-compatible");
  if (custom) return custom[0];
  if (vaultFromEnv(env)) return PROVIDERS[0]!.id;
  const withKey = PROVIDERS.find(
    (p) => p.kind !== "bedrock" && envKeyNames(p, config.providers[p.id]).some((k) => env[k]),
  );
  return withKey?.id;
}

async function createLanguageModel(
  kind: ProviderKind,
  providerId: string,
  modelId: string,
  info: ProviderInfo | undefined,
  config: ProviderConfig | undefined,
  credentials: Credentials,
  env: NodeJS.ProcessEnv,
): Promise<LanguageModel> {
  const baseURL = baseUrlOf(info, config, credentials);
  const apiKey = credentials.apiKey;
  const fetch = nodeFetch as typeof globalThis.fetch;
  switch (kind) {
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      const model = createOpenAI({ apiKey, baseURL, fetch })(modelId);
      if (config?.store) return model;
      // Without server-side storage the Responses API cannot resolve earlier turns sent as item
      // references (a compatible server never can): send the conversation itself, as codex does.
      const { defaultSettingsMiddleware, wrapLanguageModel } = await import("ai");
      return wrapLanguageModel({
        model,
        middleware: defaultSettingsMiddleware({ settings: { providerOptions: { openai: { store: false } } } }),
      });
    }
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      return createAnthropic({ apiKey, baseURL, fetch })(modelId);
    }
    case "google": {
      const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
      return createGoogleGenerativeAI({ apiKey, baseURL, fetch })(modelId);
    }
    case "bedrock": {
      const { createAmazonBedrock } = await import("@ai-sdk/amazon-bedrock");
      return createAmazonBedrock({ region: env.AWS_REGION || "us-east-1", baseURL })(modelId);
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      if (!baseURL) throw new UserError(`provider '${providerId}' needs base_url in [providers.${providerId}]`);
      return createOpenAICompatible({ name: providerId, apiKey, baseURL, includeUsage: true, fetch })(modelId);
    }
  }
}

function baseUrlOf(
  info: ProviderInfo | undefined,
  config: ProviderConfig | undefined,
  credentials: Credentials,
): string | undefined {
  return config?.base_url ?? credentials.baseURL ?? info?.baseURL;
}

function missingKeyMessage(
  providerId: string,
  info: ProviderInfo | undefined,
  config: ProviderConfig | undefined,
): string {
  const vars = envKeyNames(info, config);
  const vault = vaultFromEnv();
  const where = vault
    ? `vault secret ${vault.mount}/${vault.secretsPath}/${providerId} (field api_key)`
    : `${vars.join(" or ") || "an API key variable"}`;
  return `no API key for provider '${providerId}': set ${where}`;
}

export function noProviderGuidance(): string {
  return [
    "no model provider is configured. To get started, either:",
    "  export MOONSHOT_API_KEY=…   (or OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY, ZAI_API_KEY, …)",
    "  or store keys in Vault: export VAULT_ADDR=… VAULT_TOKEN=…; vault kv put secret/codetether/providers/<provider> api_key=…",
    "  or use a local OpenAI-compatible server: codetether config --set providers.ollama.type=openai-compatible \\",
    "       && codetether config --set providers.ollama.base_url=http://localhost:11434/v1 && codetether config --set providers.ollama.model=qwen3",
    'then: codetether run -m <provider>/<model> "your task"',
  ].join("\n");
}
