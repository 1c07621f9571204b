/** How a provider is reached: which AI SDK package speaks its wire format. */
export type ProviderKind = "openai" | "openai-compatible" | "anthropic" | "google" | "bedrock";

export interface ModelInfo {
  id: string;
  contextWindow: number;
  maxOutput?: number;
  /** US dollars per million tokens. */
  inputPrice?: number;
  outputPrice?: number;
  vision?: boolean;
}

export interface ProviderInfo {
  id: string;
  kind: ProviderKind;
  baseURL?: string;
  /** Environment variables that may hold the key, in order of preference. */
  envKeys: string[];
  defaultModel: string;
  models: ModelInfo[];
}

const m = (
  id: string,
  contextWindow: number,
  inputPrice?: number,
  outputPrice?: number,
  vision = false,
): ModelInfo => ({
  id,
  contextWindow,
  inputPrice,
  outputPrice,
  vision,
});

/** Built-in providers with the seed's default models. Prices are list prices where published. */
export const PROVIDERS: ProviderInfo[] = [
  {
    id: "moonshotai",
    kind: "openai-compatible",
    baseURL: "https://api.moonshot.ai/v1",
    envKeys: ["MOONSHOT_API_KEY"],
    defaultModel: "kimi-k2.5",
    models: [m("kimi-k2.5", 262_144, 0.6, 3, true), m("kimi-k2-thinking", 262_144, 0.6, 2.5)],
  },
  {
    id: "zai",
    kind: "openai-compatible",
    baseURL: "https://api.z.ai/api/paas/v4",
    envKeys: ["ZAI_API_KEY"],
    defaultModel: "glm-5",
    models: [m("glm-5", 200_000, 1, 3.2), m("glm-4.6", 200_000, 0.6, 2.2)],
  },
  {
    id: "github-copilot",
    kind: "openai-compatible",
    baseURL: "https://api.githubcopilot.com",
    envKeys: ["GITHUB_TOKEN"],
    defaultModel: "claude-opus-4",
    models: [m("claude-opus-4", 200_000, 0, 0, true), m("gpt-4.1", 128_000, 0, 0, true)],
  },
  {
    id: "openrouter",
    kind: "openai-compatible",
    baseURL: "https://openrouter.ai/api/v1",
    envKeys: ["OPENROUTER_API_KEY"],
    defaultModel: "stepfun/step-3.5-flash:free",
    models: [m("stepfun/step-3.5-flash:free", 256_000, 0, 0)],
  },
  {
    id: "google",
    kind: "google",
    envKeys: ["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"],
    defaultModel: "gemini-2.5-pro",
    models: [m("gemini-2.5-pro", 1_048_576, 1.25, 10, true), m("gemini-2.5-flash", 1_048_576, 0.3, 2.5, true)],
  },
  {
    id: "anthropic",
    kind: "anthropic",
    envKeys: ["ANTHROPIC_API_KEY"],
    defaultModel: "claude-sonnet-4-20250514",
    models: [m("claude-sonnet-4-20250514", 200_000, 3, 15, true), m("claude-opus-4-20250514", 200_000, 15, 75, true)],
  },
  {
    id: "stepfun",
    kind: "openai-compatible",
    baseURL: "https://api.stepfun.com/v1",
    envKeys: ["STEPFUN_API_KEY"],
    defaultModel: "step-3.5-flash",
    models: [m("step-3.5-flash", 256_000)],
  },
  {
    id: "bedrock",
    kind: "bedrock",
    envKeys: ["AWS_ACCESS_KEY_ID"],
    defaultModel: "us.anthropic.claude-sonnet-4-20250514-v1:0",
    models: [m("us.anthropic.claude-sonnet-4-20250514-v1:0", 200_000, 3, 15, true)],
  },
  {
    id: "openai",
    kind: "openai",
    envKeys: ["OPENAI_API_KEY"],
    defaultModel: "gpt-5",
    models: [m("gpt-5", 400_000, 1.25, 10, true), m("gpt-5-mini", 400_000, 0.25, 2, true)],
  },
];

/** Used when neither the catalog nor config knows a model's window. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

export function findProvider(id: string): ProviderInfo | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

export function findModel(provider: ProviderInfo | undefined, modelId: string): ModelInfo | undefined {
  return provider?.models.find((mi) => mi.id === modelId);
}

/** Cost in US dollars of one step's tokens, when the model's prices are known. */
export function costOf(model: ModelInfo | undefined, inputTokens: number, outputTokens: number): number | undefined {
  if (model?.inputPrice === undefined || model.outputPrice === undefined) return undefined;
  return (inputTokens * model.inputPrice + outputTokens * model.outputPrice) / 1_000_000;
}
