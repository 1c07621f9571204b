import { z } from "zod";

/** One `[providers.<name>]` table: overrides for a built-in provider, or a custom OpenAI-compatible one. */
export const providerConfigSchema = z
  .object({
    type: z.enum(["openai-compatible"]).optional(),
    base_url: z.url().optional(),
    model: z.string().min(1).optional(),
    api_key_env: z.string().min(1).optional(),
    context_window: z.number().int().positive().optional(),
  })
  .strict();

const permissionAction = z.enum(["allow", "ask", "deny"]);

export const configSchema = z
  .object({
    default: z
      .object({
        provider: z.string().min(1).optional(),
        model: z.string().min(1).optional(),
        agent: z.string().min(1).optional(),
        max_steps: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    ui: z.object({ theme: z.string().min(1).default("marketing") }).strict().default({ theme: "marketing" }),
    session: z.object({ auto_save: z.boolean().default(true) }).strict().default({ auto_save: true }),
    telemetry: z.object({ crash_reporting: z.boolean().default(false) }).strict().default({ crash_reporting: false }),
    providers: z.record(z.string(), providerConfigSchema).default({}),
    permission: z.record(z.string(), z.union([permissionAction, z.record(z.string(), permissionAction)])).default({}),
  })
  // Sections owned by other features (mcp, lsp, server, bus, archive, …) are validated by those features.
  .catchall(z.unknown());

export type Config = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
