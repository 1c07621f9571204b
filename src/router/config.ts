import { z } from "zod";
import { UserError } from "../contracts/errors.ts";
import type { Config } from "../config/schema.ts";

/** `[router]` in config.toml; each key can be overridden by CODETETHER_TOOL_ROUTER_<KEY>. */
export const routerSectionSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The local model, a GGUF file. */
    model_path: z.string().min(1).optional(),
    /** A separate tokenizer; GGUF files carry their own, so it must be unset (kept for the original's setting). */
    tokenizer_path: z.string().min(1).optional(),
    /** When set, the GGUF's architecture must be this one (e.g. gemma3). */
    arch: z.string().min(1).optional(),
    device: z.enum(["auto", "cpu", "cuda"]).default("auto"),
    max_tokens: z.number().int().positive().default(512),
    temperature: z.number().min(0).max(2).default(0.1),
  })
  .strict();

export type RouterConfig = z.infer<typeof routerSectionSchema>;

const ENV_PREFIX = "CODETETHER_TOOL_ROUTER_";

/** The router's settings: `[router]`, then the environment (a bad value of either is a one-line error). */
export function routerConfig(config: Config, env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const section: Record<string, unknown> = { ...((config.router as Record<string, unknown> | undefined) ?? {}) };
  for (const key of Object.keys(routerSectionSchema.shape)) {
    const value = env[`${ENV_PREFIX}${key.toUpperCase()}`];
    if (value === undefined || value === "") continue;
    section[key] =
      key === "enabled"
        ? /^(1|true|yes|on)$/i.test(value)
        : key === "max_tokens" || key === "temperature"
          ? Number(value)
          : value;
  }
  const parsed = routerSectionSchema.safeParse(section);
  if (!parsed.success)
    throw new UserError(
      `tool router settings ([router] or ${ENV_PREFIX}*): ${z.prettifyError(parsed.error).replace(/\n\s*/g, " ")}`,
    );
  return parsed.data;
}
