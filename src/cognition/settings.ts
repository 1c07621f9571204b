import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { UserError } from "../contracts/errors.ts";
import { envFlag, positiveNumber } from "../util/env-values.ts";
import type { PersonaPolicy } from "./types.ts";

/** `[cognition]` in config.toml (this feature validates its own section); `CODETETHER_COGNITION_*` wins over it. */
export const cognitionSectionSchema = z
  .object({
    enabled: z.boolean().optional(),
    auto_start: z.boolean().optional(),
    loop_interval_ms: z.number().int().min(50).optional(),
    max_spawn_depth: z.number().int().min(0).optional(),
    max_branching_factor: z.number().int().min(0).optional(),
    max_events: z.number().int().positive().optional(),
    max_snapshots: z.number().int().positive().optional(),
    /** `provider/model` of the thinker (default: serve's model); a bare model name with `thinker_base_url`. */
    thinker_model: z.string().min(1).optional(),
    /** An OpenAI-compatible endpoint for the thinker; its key comes from CODETETHER_COGNITION_THINKER_API_KEY. */
    thinker_base_url: z.url().optional(),
    thinker_temperature: z.number().min(0).max(2).optional(),
    thinker_max_tokens: z.number().int().positive().optional(),
    thinker_timeout_ms: z.number().int().positive().optional(),
    token_budget_per_minute: z.number().int().min(0).optional(),
    compute_ms_per_minute: z.number().int().min(0).optional(),
    idle_ttl_secs: z.number().int().positive().optional(),
  })
  .strict();

export interface ThinkerSettings {
  model?: string;
  baseUrl?: string;
  temperature: number;
  maxTokens: number;
  timeoutMs: number;
}

export interface CognitionSettings {
  enabled: boolean;
  autoStart: boolean;
  loopIntervalMs: number;
  maxEvents: number;
  maxSnapshots: number;
  /** Defaults of a persona's policy; a request may lower the spawn limits, never raise them past these. */
  policy: PersonaPolicy;
  thinker: ThinkerSettings;
}

const PREFIX = "CODETETHER_COGNITION_";

/** The settings of the cognition loop: environment, else `[cognition]`, else the original's defaults. */
export function cognitionSettings(config: Config, env: NodeJS.ProcessEnv = process.env): CognitionSettings {
  const section = parseSection(config.cognition);
  const int = (name: string, fromConfig: number | undefined, fallback: number, allowZero = false, min?: number) =>
    positiveNumber(env[PREFIX + name], PREFIX + name, fromConfig ?? fallback, { integer: true, allowZero, min });
  const temperature = positiveNumber(
    env[`${PREFIX}THINKER_TEMPERATURE`],
    `${PREFIX}THINKER_TEMPERATURE`,
    section.thinker_temperature ?? 0.2,
    { allowZero: true },
  );
  return {
    enabled: envFlag(env, `${PREFIX}ENABLED`, section.enabled ?? true),
    autoStart: envFlag(env, `${PREFIX}AUTO_START`, section.auto_start ?? false),
    // As the API and [cognition] allow: a tighter loop only burns CPU.
    loopIntervalMs: int("LOOP_INTERVAL_MS", section.loop_interval_ms, 2000, false, 50),
    maxEvents: int("MAX_EVENTS", section.max_events, 2000),
    maxSnapshots: int("MAX_SNAPSHOTS", section.max_snapshots, 128),
    policy: {
      max_spawn_depth: int("MAX_SPAWN_DEPTH", section.max_spawn_depth, 4, true),
      max_branching_factor: int("MAX_BRANCHING_FACTOR", section.max_branching_factor, 4, true),
      token_budget_per_minute: int("TOKEN_BUDGET_PER_MINUTE", section.token_budget_per_minute, 20_000, true),
      compute_ms_per_minute: int("COMPUTE_MS_PER_MINUTE", section.compute_ms_per_minute, 30_000, true),
      idle_ttl_secs: int("IDLE_TTL_SECS", section.idle_ttl_secs, 3600),
      share_memory: true,
      allowed_tools: [],
    },
    thinker: {
      model: env[`${PREFIX}THINKER_MODEL`]?.trim() || section.thinker_model,
      baseUrl: env[`${PREFIX}THINKER_BASE_URL`]?.trim() || section.thinker_base_url,
      temperature,
      maxTokens: int("THINKER_MAX_TOKENS", section.thinker_max_tokens, 256),
      timeoutMs: int("THINKER_TIMEOUT_MS", section.thinker_timeout_ms, 12_000),
    },
  };
}

function parseSection(raw: unknown): z.infer<typeof cognitionSectionSchema> {
  const result = cognitionSectionSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys")
    throw new UserError(`invalid config [cognition]: unknown key '${issue.keys.join("', '")}'`);
  throw new UserError(
    `invalid config [cognition]: '${["cognition", ...issue.path.map(String)].join(".")}': ${issue.message}`,
  );
}
