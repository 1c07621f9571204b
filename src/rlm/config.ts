import { z } from "zod";
import { UserError } from "../contracts/errors.ts";
import type { Config } from "../config/schema.ts";

/**
 * `[rlm]`: how the agent loop treats a bulk tool output (bash, webfetch, grep) too large for the context.
 * auto: outputs over `threshold` × the model's context window go through RLM instead of being cut;
 * always: also every output the tool had to cut; off: outputs are only cut.
 */
export const rlmSectionSchema = z
  .object({
    mode: z.enum(["auto", "always", "off"]).default("auto"),
    threshold: z.number().gt(0).max(1).default(0.35),
  })
  .strict();

export type RlmConfig = z.infer<typeof rlmSectionSchema>;

export function rlmConfig(config: Config): RlmConfig {
  const parsed = rlmSectionSchema.safeParse(config.rlm ?? {});
  if (!parsed.success) throw new UserError(`config [rlm]: ${z.prettifyError(parsed.error).replace(/\n\s*/g, " ")}`);
  return parsed.data;
}
