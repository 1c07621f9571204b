import type { Config } from "../config/schema.ts";
import type { ResolvedModel } from "../provider/resolve.ts";
import { redactText } from "../util/redact.ts";
import type { ThinkerSettings } from "./settings.ts";

/** What one thinker call gave: the model's text, or a deterministic fallback and why. */
export interface Thought {
  text: string;
  source: "model" | "fallback";
  tokens: number;
  error?: string;
}

export interface ThinkRequest {
  system: string;
  prompt: string;
  /** The deterministic thought used when the model cannot answer (unset, failing, slow, empty). */
  fallback: string;
  /** Stopping the loop cuts a call in flight. */
  signal: AbortSignal;
}

export type Thinker = (request: ThinkRequest) => Promise<Thought>;

/** The provider id under which `thinker_base_url` is reached (an OpenAI-compatible endpoint). */
const BASE_URL_PROVIDER = "cognition-thinker";

/**
 * The thinker: one short, tool-less model call through the provider layer, bounded by the timeout and
 * max tokens, never retried (the next tick is the retry). Any failure becomes the fallback thought.
 */
export function createThinker(settings: ThinkerSettings, config: Config, serveModel: string | undefined): Thinker {
  let model: Promise<ResolvedModel> | undefined;
  const resolve = () => (model ??= resolveThinkerModel(settings, config, serveModel));
  return async (request) => {
    try {
      // Loaded on the first thought: an idle serve (cognition off by default) does not carry the AI SDK.
      const { generateText } = await import("ai");
      const { text, usage } = await generateText({
        model: (await resolve()).language,
        system: request.system,
        prompt: request.prompt,
        temperature: settings.temperature,
        maxOutputTokens: settings.maxTokens,
        maxRetries: 0,
        abortSignal: AbortSignal.any([request.signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
      const thought = text.trim();
      if (!thought) return fallback(request, "the thinker answered nothing");
      return { text: thought, source: "model", tokens: usage.totalTokens ?? 0 };
    } catch (error) {
      model = undefined; // re-resolved next time: a key may have been added meanwhile
      const reason =
        (error as Error).name === "TimeoutError"
          ? `timed out after ${settings.timeoutMs} ms`
          : (error as Error).message;
      return fallback(request, reason);
    }
  };
}

function fallback(request: ThinkRequest, reason: string): Thought {
  return { text: request.fallback, source: "fallback", tokens: 0, error: redactText(reason).slice(0, 300) };
}

async function resolveThinkerModel(settings: ThinkerSettings, config: Config, serveModel: string | undefined) {
  const { resolveModel } = await import("../provider/resolve.ts");
  if (!settings.baseUrl) return resolveModel(settings.model ?? serveModel, config);
  const providers = {
    ...config.providers,
    [BASE_URL_PROVIDER]: {
      type: "openai-compatible" as const,
      base_url: settings.baseUrl,
      model: settings.model,
      api_key_env: "CODETETHER_COGNITION_THINKER_API_KEY",
    },
  };
  return resolveModel(BASE_URL_PROVIDER, { ...config, providers });
}
