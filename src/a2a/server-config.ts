import { z } from "zod";
import type { Config } from "../config/schema.ts";
import { controlPlaneKeys } from "../control-plane/config.ts";
import { UserError } from "../util/errors.ts";

/** The `[server]` section of config.toml (this feature validates its own section). */
export const serverSectionSchema = z
  .object({
    /** Deliver push notifications to private/loopback webhook addresses (off: SSRF guard, spec §13.2). */
    allow_private_push: z.boolean().default(false),
    /** dispatch, worker heartbeat timeout, task timeout/attempts, stream keep-alive: see src/control-plane/config.ts. */
    ...controlPlaneKeys,
  })
  .strict();

export type ServerSection = z.infer<typeof serverSectionSchema>;

export function serverSection(config: Config): ServerSection {
  const result = serverSectionSchema.safeParse(config.server ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = ["server", ...issue.path.map(String)].join(".");
  throw new UserError(`invalid config [server]: ${issue.code === "unrecognized_keys" ? `unknown key '${issue.keys.join("', '")}'` : `'${key}': ${issue.message}`}`);
}
